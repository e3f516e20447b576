from helpdesk.cli import main

main()
