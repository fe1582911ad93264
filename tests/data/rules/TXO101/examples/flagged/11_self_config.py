class Job:
    def run(self):
        return self.config.get("global")
