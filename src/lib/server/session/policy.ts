/** How long the session cookie (Auth.js's JWT) lives, and how often it is checked. */
export interface SessionSettings {
	maxAgeSeconds: number;
	updateAgeSeconds: number;
	/** How often, at most, a session is checked against `user_sessions`. */
	checkIntervalSeconds: number;
	/** How long a session lasts from the sign-in at the provider, whatever its activity. */
	absoluteMaxAgeSeconds: number;
	/** How long after the sign-in at the provider a session may take sensitive actions. */
	freshAgeSeconds: number;
}
