def main():
    quit()


if __name__ == "__main__":
    main()
