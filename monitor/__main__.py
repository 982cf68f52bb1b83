from monitor.cli.app import main

# Guarded: analysis worker processes import the main module, and must not run the CLI again.
if __name__ == "__main__":
    main()
