/** Time left until a deadline, for people: "1 h 5 min", "4 min 9 s", "29 s", or "expired". */
export function formatCountdown(msLeft: number): string {
	if (msLeft <= 0) return 'expired';
	// Note: rounded up, so that "0 s" is never shown while time is left.
	const seconds = Math.ceil(msLeft / 1000);
	const hours = Math.floor(seconds / 3600);
	const minutes = Math.floor((seconds % 3600) / 60);
	if (hours > 0) return `${hours} h ${minutes} min`;
	if (minutes > 0) return `${minutes} min ${seconds % 60} s`;
	return `${seconds} s`;
}
