def main(cfg):
    for env in cfg["environments"]:
        print(env.get("id"))
