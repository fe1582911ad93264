from utils.path_helpers import Dir, ProjectPaths

VALID = Dir.all()


def check(category):
    return Dir.validate(category) and ProjectPaths.init()
