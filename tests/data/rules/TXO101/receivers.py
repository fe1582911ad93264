from utils.config_loader import ConfigContext, ConfigLoader


def main(ctx, org, env, response, params):
    loaded = ConfigLoader(org, env).load_config()
    tenant = loaded.get("global", {}).get("tenant-id")
    behavior = loaded.get("script-behavior", {})
    retries = behavior.get("retry-strategy", {}).get("max-retries", 3)
    app_config = {"x": 1}
    x = app_config.get("x")
    scope = ctx.config.get("global").get("oauth-scope")
    with ConfigContext(org, env) as cc:
        verify = cc.get("verify", True)
    items = response.get("value", [])
    page = params.get("page", 1)
    home = __import__("os").environ.get("HOME")
    return tenant, retries, x, scope, verify, items, page, home


class Job:
    def __init__(self, settings):
        self.settings = settings

    def size(self):
        return self.settings.get("batch-size", 10) + settings_count()


def settings_count():
    return 0
