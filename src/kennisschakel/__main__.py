from kennisschakel.cli import main

main()
