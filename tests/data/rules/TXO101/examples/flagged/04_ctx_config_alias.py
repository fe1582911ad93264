def run(ctx):
    opts = ctx.config
    return opts.get("global")
