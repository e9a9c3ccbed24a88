from awsmfa_exec.cli import main

main()
