def rate(settings):
    return settings.get("script-behavior", {}).get("rate-limiting")
