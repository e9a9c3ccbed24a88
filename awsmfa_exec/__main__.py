from awsmfa_exec.entry import main

main()
