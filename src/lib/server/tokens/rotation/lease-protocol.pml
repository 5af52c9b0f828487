/*
 * The refresh lease protocol of src/lib/server/tokens/rotation, for one account and N instances.
 * Each step names the function that takes it. Checked by spin from lease-protocol.test.ts:
 *   safety:   spin -a; cc -DSAFETY -DNOCLAIM; ./pan          -> errors: 0
 *   liveness: spin -a; cc; ./pan -a -f -N released          -> errors: 0
 *   weakened: each must fail: -DNO_RENEWAL (the lease is not renewed while an answer is late),
 *             -DUNCONDITIONAL_STORE (the store ignores whose lease it is), -DFORGET_KEEPS_LEASE
 *             (signing out leaves the lease, so a refresh under way stores its tokens back).
 *
 * Refresh tokens are generations: the provider honours `provGen`; the row stores `storedGen`
 * (0 once forgotten). Timing assumption of the lease (REFRESH_LEASE_MS, renewed every third of
 * it by keepLeaseWhile): a lease runs out only while its holder is not renewing it (it died, or
 * it lost the database for longer than the lease).
 */
#define N 2          /* instances */
#define ROUNDS 2     /* refreshes each instance starts (each from a request, maybe a stale cookie) */
#define WAITS 3      /* polls of a waiting request before it gives up (waitForRelease's deadline) */
#define MAXGEN 12

byte provGen = 1;          /* the refresh token the provider honours now */
byte storedGen = 1;        /* accounts.refresh_token */
byte claim = 0;            /* accounts.refresh_claim_id (0: none) */
byte holder = 0;           /* the instance that took `claim` */
bool leaseLive = false;    /* accounts.refresh_claimed_until > now() */
bool renewing[N + 1];      /* the holder is inside keepLeaseWhile (a live process renews) */
bool believes[N + 1];      /* the instance believes it holds the lease */
bool mayResend[MAXGEN];    /* the explicit exceptions: a generation that may reach the provider again */
bool forgotten = false;    /* forgetProviderTokens ran */
byte nextClaim = 1;
byte dbOutages = 0;

/* refreshAtProvider, at the provider: a token it no longer honours is reuse. */
inline providerTakes(g, answer) {
	atomic {
		/* SAFETY: a rotated token is never sent again, except under an explicit exception. */
		assert(g == provGen || mayResend[g]);
		if
		:: g == provGen -> provGen++; answer = provGen
		:: else -> answer = 0   /* reuse: refused (and the grant revoked) */
		fi
	}
}

/* settleRefresh: store and release in one statement, only while the lease is still ours. */
inline settle(myClaim, newGen, stored) {
	atomic {
#ifdef UNCONDITIONAL_STORE
		if :: true ->
#else
		if :: claim == myClaim ->
#endif
			/* SAFETY: stored tokens are never replaced by older ones, nor brought back after forgetting. */
			assert(newGen == 0 || newGen > storedGen);
			assert(!forgotten || newGen == 0);
			storedGen = newGen; claim = 0; holder = 0; leaseLive = false; stored = true
		:: else -> stored = false   /* dropOrphanedAnswer: dropped (revoked when forgotten) */
		fi;
		believes[me] = false
	}
}

/* settleRefresh with no update: release the lease as it was, if it is still ours. */
inline releaseLease(myClaim) {
	atomic {
		if
		:: claim == myClaim -> claim = 0; holder = 0; leaseLive = false
		:: else -> skip
		fi;
		believes[me] = false
	}
}

proctype Instance(byte me) {
	byte rounds = 0; byte myClaim; byte mine; byte answer; byte polls; bool stored;
idle:
	do
	:: rounds < ROUNDS -> rounds++; goto claimStep
	:: rounds == ROUNDS -> goto finished
	od;

claimStep:   /* claimRefresh: UPDATE … WHERE lease expired RETURNING * */
	atomic {
		if
		:: claim == 0 || !leaseLive ->
			myClaim = nextClaim; nextClaim++;
			claim = myClaim; holder = me; leaseLive = true; renewing[me] = true;
			mine = storedGen;
			/* SAFETY: at most one instance believes it holds the lease. */
			byte j = 1;
			do
			:: j <= N -> assert(j == me || !believes[j]); j++
			:: else -> break
			od;
			believes[me] = true
		:: else -> goto waitStep
		fi
	}
	if
	:: mine == 0 -> goto release              /* refreshHeld: nothing to rotate */
	:: mine != 0 -> goto release              /* refreshHeld: fresh already (another instance won) */
	:: mine != 0 -> skip                      /* due: rotate */
	:: mine != 0 -> goto crash                /* kill -9 before sending: loses nothing */
	fi;

	/* rotateAtProvider → sendWithOneRetry → refreshAtProvider, the lease renewed meanwhile. */
	if
	:: skip   /* not processed (unspent: refused connection, 5xx): release, a later request retries */
		-> goto release
	:: providerTakes(mine, answer)            /* the answer comes, on time or late (≤ hard limit) */
	:: providerTakes(mine, answer);           /* processed, the answer lost: unknown fate */
		atomic { mayResend[mine] = true };    /* exception: the one prompt retry */
		providerTakes(mine, answer);
		if
		:: answer == 0 ->                     /* refused: lost, forget the tokens (refresh_lost) */
			settle(myClaim, 0, stored); goto endRound
		:: else -> skip                       /* a grace period: the same new tokens */
		fi
	fi;
	if
	:: answer == 0 -> settle(myClaim, 0, stored); goto endRound   /* rejected */
	:: else -> skip
	fi;
	if
	:: true -> goto crash                     /* kill -9 after the answer, before the store */
	:: true -> skip
	fi;

storeStep:   /* storeAnswer: settleRefresh, or kept (KeptAnswers) and retried while renewing */
	if
	:: settle(myClaim, answer, stored); goto endRound
	:: dbOutages < 1 ->                       /* the database is down: keep the answer, retry */
		dbOutages++;
		if
		:: true -> skip                       /* back within the lease: still ours */
		:: true ->                            /* gone longer than the lease: it may run out */
			/* keepLeaseWhile cannot renew: the holder knows it may have lost the lease */
			atomic { renewing[me] = false; believes[me] = false; mayResend[mine] = true }
		fi;
		settle(myClaim, answer, stored); goto endRound
	fi;

release:
	releaseLease(myClaim);
	goto endRound;

waitStep:    /* waitForRelease: poll (or NOTIFY) until released, at most WAITS times */
	polls = 0;
	do
	:: polls < WAITS && (claim == 0 || !leaseLive) -> break   /* released: use the stored tokens */
	:: polls < WAITS && claim != 0 && leaseLive -> polls++
	:: polls == WAITS -> break                                 /* the request's bound: unavailable */
	od;
	goto idle;

endRound:
	atomic { renewing[me] = false; believes[me] = false };
	goto idle;

crash:
	atomic {
		renewing[me] = false; believes[me] = false;
		/* exception: the answer died with this process, so the old token may be sent again */
		mayResend[mine] = true
	}
finished:
	skip
}

/* The lease's clock: it runs out only while nobody renews it (`keepLeaseWhile`). */
proctype LeaseClock() {
end:
	do
	:: atomic { leaseLive && !renewing[holder] -> leaseLive = false }
#ifdef NO_RENEWAL
	/* without renewal a late answer outlasts the lease while its holder still waits */
	:: atomic { leaseLive -> leaseLive = false }
#endif
	od
}

/* forgetProviderTokens: the user signs out of the last session, at any moment. */
proctype SignOut() {
	atomic {
		forgotten = true; storedGen = 0;
#ifndef FORGET_KEEPS_LEASE
		/* the holder's next renewal (renewLease) finds the lease gone */
		believes[holder] = false;
		claim = 0; holder = 0; leaseLive = false
#endif
	}
}

init {
	atomic {
		byte i = 1;
		do
		:: i <= N -> run Instance(i); i++
		:: else -> break
		od;
		run LeaseClock();
		run SignOut()
	}
}

/* LIVENESS: no account stays claimed forever. */
ltl released { [] (leaseLive -> <> !leaseLive) }
