"""`python -B -m awsmfa_exec.agent --socket PATH`: how a client starts the agent."""

import sys

from awsmfa_exec.agent.daemon.process import main

sys.exit(main(sys.argv[1:]))
