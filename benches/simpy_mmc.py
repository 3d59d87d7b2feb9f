"""The M/M/c queue of data/scenarios/erlang-c.toml in SimPy, for BENCHMARKS.md's comparison.

c = 10 agents, Poisson arrivals at 480 per hour, exponential service with mean 60 s, unlimited patience,
24 simulated hours. Prints calls simulated, wall time, calls per second and P(wait) / mean wait as a check.
Run: pip install simpy && python3 benches/simpy_mmc.py
"""
import random
import time

import simpy

C, RATE_PER_S, MEAN_SERVICE, HORIZON = 10, 480 / 3600, 60.0, 24 * 3600


def run(seed):
    rng = random.Random(seed)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=C)
    stats = {"calls": 0, "waited": 0, "wait": 0.0}

    def call(env):
        arrived = env.now
        with agents.request() as req:
            yield req
            wait = env.now - arrived
            stats["calls"] += 1
            stats["wait"] += wait
            stats["waited"] += wait > 0
            yield env.timeout(rng.expovariate(1 / MEAN_SERVICE))

    def arrivals(env):
        while True:
            yield env.timeout(rng.expovariate(RATE_PER_S))
            env.process(call(env))

    env.process(arrivals(env))
    env.run(until=HORIZON)
    return stats


if __name__ == "__main__":
    best = None
    for seed in range(5):
        t = time.perf_counter()
        stats = run(seed)
        elapsed = time.perf_counter() - t
        best = elapsed if best is None else min(best, elapsed)
    print(f"calls {stats['calls']}, best of 5: {best * 1000:.1f} ms, {stats['calls'] / best:,.0f} calls/s, "
          f"P(wait) {stats['waited'] / stats['calls']:.3f}, mean wait {stats['wait'] / stats['calls']:.2f} s")
