if __name__ == "__main__":
    raise SystemExit(0)
