#!/usr/bin/env bash
# Restarts the Latchkey instances one at a time behind nginx, so that nobody notices: usage
# `sudo deploy/rolling-restart.sh [PORT…]` (default 3001 3002, the ports in nginx-site.conf).
# For each instance: `systemctl restart` sends SIGTERM and waits for the process to exit (the
# requests under way finish; nginx sends new ones to the other instance), starts it again, waits
# until /api/ready answers 200, then waits nginx's fail_timeout and one second more (nginx counts
# it in whole seconds from the last refused request), after which nginx sends it requests again,
# before the next instance stops.
# A new AUTH_SECRET takes two runs: first with AUTH_SECRET_ENCRYPTS naming the old secret on every
# instance, then without it (docs/operations.md: "Rotating AUTH_SECRET").
set -euo pipefail

FAIL_TIMEOUT_SECONDS=${FAIL_TIMEOUT_SECONDS:-5} # fail_timeout in nginx-site.conf
READY_TIMEOUT_SECONDS=${READY_TIMEOUT_SECONDS:-60}
ports=("$@")
if [ ${#ports[@]} -eq 0 ]; then ports=(3001 3002); fi

for port in "${ports[@]}"; do
	echo "latchkey@${port}: restarting"
	systemctl restart "latchkey@${port}"
	deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
	until curl -fsS -o /dev/null "http://127.0.0.1:${port}/api/ready"; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "latchkey@${port} is not ready after ${READY_TIMEOUT_SECONDS} s: stopping here" >&2
			journalctl -u "latchkey@${port}" -n 20 --no-pager >&2 || true
			exit 1
		fi
		sleep 0.5
	done
	echo "latchkey@${port}: ready"
	sleep $((FAIL_TIMEOUT_SECONDS + 1))
done
echo "Restarted latchkey@ on ${ports[*]}."
