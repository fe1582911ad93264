from txo.errors import HelpfulError
from utils.exceptions import HelpfulError
from utils.exceptions import ApiError
from utils import HelpfulError as H2
from utils.path_helpers import Dir

try:
    pass
except ApiError:
    raise HelpfulError("a", "b") from None
print(Dir.DATA, H2)
