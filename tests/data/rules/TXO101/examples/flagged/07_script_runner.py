def main():
    runner = ScriptRunner("Sync")
    values = runner.run()
    return values.get("global")
