from capmock.cli import main

main()
