#!/usr/bin/env python3
"""The default delivery case solved by this engine, by SciPy's banded LAPACK and by FiPy, timed in
interleaved rounds, with the end states checked against each other.

The case (minoxidil, 1 mm pen, cheek, 24 h, 10 mg/mL) comes from the Rust example `export_case`:
the grid, the per-cell coefficients, the 88 backward-Euler step sizes, the Rust end state and the
Rust times. Each round runs, one after the other:

- Rust: `export_case --repeats R`, the whole solve (grid, assembly, one banded Cholesky per
  step, outputs) timed R times inside the process after one warm-up solve; its median.
- SciPy: the same per-step systems rebuilt in numpy from the exported discretization, solved
  (a) with LAPACK `dpbsv` called directly and (b) with `scipy.linalg.solveh_banded` (which calls
  `dpbsv` behind input checks), both on matrices prebuilt before the clock starts, so only the
  numerical work (and each call's overhead) is timed; and (c) with `solveh_banded` and the
  numpy assembly of each step's matrix inside the clock. Median of R runs each.
- FiPy 4.0.3: `CylindricalGrid2D` on the same faces and steps, direct LU (SuperLU); the 88 steps
  are timed (the mesh and equation are built once before). Median of F runs (default 1).

All numerical libraries run on one thread, as the Rust solver does. The round's ratio is the
peer's time over the Rust time of the same round; the medians and ranges are over the rounds.
Every end state must match the Rust one to 1e-9 of its largest value, else the script exits 1.
FiPy is profiled once (cProfile) to show where its time goes. Results go to bench/peers-result.json.

Run from the repository root: python3 bench/peers.py [--rounds 7] [--repeats 20] [--fipy-repeats 1]
(installs FiPy, numpy, scipy and threadpoolctl into bench/.venv the first time).
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "bench", ".venv")
RESULT = os.path.join(ROOT, "bench", "peers-result.json")
PACKAGES = ["fipy==4.0.3", "numpy", "scipy", "threadpoolctl"]
# Round-off of two solvers that discretize the same equation identically stays near 1e-14.
AGREEMENT = 1e-9
# One core for every peer: the Rust solver is single-threaded.
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def positive(value):
    """An argparse type: a whole number ≥ 1 (argparse names the option in its error)."""
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not accepted; give a whole number, 1 or more")
    return n


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=positive, default=7, help="interleaved rounds (default 7)")
    parser.add_argument("--repeats", type=positive, default=20,
                        help="timed Rust and SciPy solves per round; the round keeps their median (default 20)")
    parser.add_argument("--fipy-repeats", type=positive, default=1,
                        help="timed FiPy solves per round; the round keeps their median (default 1)")
    parser.add_argument("--output", default=RESULT, help="where to write the results as JSON")
    return parser.parse_args()


def ensure_venv():
    """Re-runs this script inside bench/.venv (created and filled if needed), one thread each."""
    if os.environ.get("PEERS_BENCH_INNER") == "1":
        return
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    probe = subprocess.run([python, "-c", "import fipy, numpy, scipy, threadpoolctl"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "--quiet", *PACKAGES], check=True)
    env = dict(os.environ, PEERS_BENCH_INNER="1", **ONE_THREAD)
    sys.exit(subprocess.run([python, __file__, *sys.argv[1:]], env=env).returncode)


def build_rust():
    """Builds the example once and returns its executable (so no round pays for cargo)."""
    out = subprocess.run(
        ["cargo", "build", "--release", "-p", "microneedling-core", "--example", "export_case",
         "--message-format=json-render-diagnostics"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    for line in out.splitlines():
        message = json.loads(line)
        if message.get("reason") == "compiler-artifact" and message["target"]["name"] == "export_case":
            return message["executable"]
    raise SystemExit("cargo built no export_case executable")


def run_rust(executable, repeats):
    out = subprocess.run([executable, "--repeats", str(repeats)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def initial_potential(case):
    """Channel fluid at the donor concentration, tissue empty (Setup::initial_state in Rust)."""
    import numpy as np
    d = case["discretization"]
    if not case["channel_prefilled"]:
        return np.zeros(case["unknowns"])
    return np.array(d["channel_fraction"]) * case["concentration_ug_per_ml"] / np.array(d["capacity_per_volume"])


def openness(case, t):
    """The channel's open share at t (Setup::conductivities in Rust)."""
    import math
    half_life = case["half_life_s"]
    if half_life is None:
        return 1.0
    residual = case["residual_open_fraction"]
    return residual + (1.0 - residual) * math.exp(-math.log(2.0) * t / half_life)


class Banded:
    """One backward-Euler step's system, rebuilt in numpy as crates/core/src/transport/solver/
    assembly.rs builds it: potentials u = c/K, face conductances A / (d_a/DK_a + d_b/DK_b),
    half-cell Dirichlet faces at the surface and the bottom; stored as LAPACK's lower band."""

    def __init__(self, case):
        import numpy as np
        d = case["discretization"]
        r, z = np.array(d["r_faces_um"]), np.array(d["z_faces_um"])
        self.nr, self.nz = len(r) - 1, len(z) - 1
        self.n = self.nr * self.nz
        if case["unknowns"] != self.n:
            raise SystemExit(f"the case has {case['unknowns']} unknowns, the grid {self.n}: a donor film is not rebuilt here")
        ring = np.pi * (r[1:] ** 2 - r[:-1] ** 2)
        dz = np.diff(z)
        volume = np.outer(dz, ring).ravel()
        self.capacity = np.array(d["capacity_per_volume"]) * volume
        self.sink = np.array(d["loss_per_s"]) * volume
        self.dk_tissue = np.array(d["dk_tissue_um2_per_s"])
        self.fraction = np.array(d["channel_fraction"])
        self.vehicle = case["vehicle_dk_um2_per_s"]
        self.concentration = case["concentration_ug_per_ml"]
        rc, zc = 0.5 * (r[1:] + r[:-1]), 0.5 * (z[1:] + z[:-1])
        self.radial_area = 2.0 * np.pi * np.outer(dz, r[1:-1])
        self.radial_da, self.radial_db = r[1:-1] - rc[:-1], rc[1:] - r[1:-1]
        self.ring = ring
        self.axial_da, self.axial_db = (z[1:-1] - zc[:-1])[:, None], (zc[1:] - z[1:-1])[:, None]
        self.top_d, self.bottom_d = zc[0], z[-1] - zc[-1]

    def system(self, case, t, dt):
        """(ab, b0, m): the lower band of the matrix, the constant right-hand side and the
        storage term, so that the step solves ab · u_new = b0 + m · u."""
        import numpy as np
        nr, nz = self.nr, self.nz
        dk = (self.dk_tissue + self.fraction * openness(case, t) * (self.vehicle - self.dk_tissue)).reshape(nz, nr)
        g_r = self.radial_area / (self.radial_da / dk[:, :-1] + self.radial_db / dk[:, 1:])
        g_z = self.ring / (self.axial_da / dk[:-1] + self.axial_db / dk[1:])
        g_top = self.ring / (self.top_d / dk[0])
        g_bottom = self.ring / (self.bottom_d / dk[-1])
        m = self.capacity / dt
        ab = np.zeros((nr + 1, self.n))
        diagonal = (m + self.sink).reshape(nz, nr)
        diagonal[:, :-1] += g_r
        diagonal[:, 1:] += g_r
        diagonal[:-1] += g_z
        diagonal[1:] += g_z
        diagonal[0] += g_top
        diagonal[-1] += g_bottom
        ab[0] = diagonal.ravel()
        ab[1].reshape(nz, nr)[:, :-1] = -g_r
        ab[nr, : self.n - nr] = -g_z.ravel()
        b0 = np.zeros(self.n)
        b0[:nr] = g_top * self.concentration
        return ab, b0, m


def step_times(case):
    t, times = 0.0, []
    for dt in case["step_sizes_s"]:
        t += dt
        times.append((t, dt))
    return times


def scipy_runs(case, banded, prebuilt):
    """The three SciPy variants as (name, function returning the end state)."""
    from scipy.linalg import solveh_banded
    from scipy.linalg.lapack import dpbsv
    u0 = initial_potential(case)

    def lapack():
        u = u0
        for ab, b0, m in prebuilt:
            _, u, info = dpbsv(ab, b0 + m * u, lower=1)
            if info != 0:
                raise SystemExit(f"dpbsv failed with info {info}")
        return u

    def solveh():
        u = u0
        for ab, b0, m in prebuilt:
            u = solveh_banded(ab, b0 + m * u, lower=True)
        return u

    def assembled():
        u = u0
        for t, dt in step_times(case):
            ab, b0, m = banded.system(case, t, dt)
            u = solveh_banded(ab, b0 + m * u, lower=True)
        return u

    return [("scipy_dpbsv_prebuilt", lapack), ("scipy_solveh_banded_prebuilt", solveh),
            ("scipy_solveh_banded_with_numpy_assembly", assembled)]


def fipy_run_factory(case):
    """FiPy on the same faces, coefficients and steps; returns a function that solves from the
    initial state and returns the end state (the mesh and equation are built once)."""
    import numpy as np
    from fipy import CellVariable, CylindricalGrid2D, DiffusionTerm, ImplicitSourceTerm, TransientTerm
    from fipy.solvers.scipy import LinearLUSolver

    d = case["discretization"]
    mesh = CylindricalGrid2D(dx=np.diff(d["r_faces_um"]), dy=np.diff(d["z_faces_um"]))  # x = radius, y = depth
    capacity = np.array(d["capacity_per_volume"])
    dk_tissue = np.array(d["dk_tissue_um2_per_s"])
    fraction = np.array(d["channel_fraction"])
    vehicle = case["vehicle_dk_um2_per_s"]
    u = CellVariable(mesh=mesh, value=initial_potential(case))
    u.constrain(case["concentration_ug_per_ml"], mesh.facesBottom)  # y = 0: the skin surface
    u.constrain(0.0, mesh.facesTop)  # below the dermis: sink
    dk = CellVariable(mesh=mesh, value=dk_tissue)
    equation = TransientTerm(coeff=CellVariable(mesh=mesh, value=capacity)) == DiffusionTerm(
        coeff=dk.harmonicFaceValue
    ) - ImplicitSourceTerm(coeff=CellVariable(mesh=mesh, value=np.array(d["loss_per_s"])))
    solver = LinearLUSolver(tolerance=1e-12)
    u0 = initial_potential(case)

    def run():
        u.setValue(u0)
        for t, dt in step_times(case):
            dk.setValue(dk_tissue + fraction * openness(case, t) * (vehicle - dk_tissue))
            equation.solve(var=u, dt=dt, solver=solver)
        return np.array(u.value)

    return run


def timed(function, repeats):
    """Median of `repeats` timed calls (ms) and the last end state."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        state = function()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), state


def check(name, state, rust):
    """Max |peer − Rust| over the largest Rust value; exits 1 beyond AGREEMENT."""
    import numpy as np
    difference = float(np.max(np.abs(np.asarray(state) - rust)) / np.max(np.abs(rust)))
    if not difference <= AGREEMENT:
        raise SystemExit(f"{name}: end state differs from Rust's by {difference:.3e} of its largest value; "
                         f"at most {AGREEMENT:.0e} is accepted")
    return difference


def fipy_profile(run):
    """Where FiPy's time goes, from one cProfile'd solve: seconds and shares of the total."""
    import cProfile
    import pstats
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    total = sum(entry[2] for entry in stats.values())

    def cumulative(file_part, function):
        return sum(entry[3] for (file, _, name), entry in stats.items()
                   if name == function and file_part in file)

    building = cumulative(os.path.join("fipy", "terms"), "_prepareLinearSystem")
    factorize = cumulative("linsolve", "splu")
    triangular = cumulative("~", "<method 'solve' of 'SuperLU' objects>")
    solver = cumulative(os.path.join("fipy", "solvers"), "_solve_")
    parts = {
        "fipy_term_building_python": building,
        "superlu_factorize": factorize,
        "superlu_triangular_solves": triangular,
        "fipy_solver_wrapper_scaling_residuals_csc": solver - factorize - triangular,
        "other_coefficient_updates_and_loop": total - building - solver,
    }
    top = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:8]
    return {
        "profiled_total_s": total,
        "seconds": parts,
        "shares": {name: seconds / total for name, seconds in parts.items()},
        "top_by_own_time": [{"function": f"{os.path.basename(file)}:{line}:{name}", "own_s": entry[2],
                             "calls": entry[1]} for (file, line, name), entry in top],
    }


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "rounds": values}


def environment(load_before):
    import fipy
    import numpy
    import scipy
    from threadpoolctl import threadpool_info
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "commit": commit,
        "load_average_1_5_15_before": load_before,
        "load_average_1_5_15_after": list(os.getloadavg()),
        "cores": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "numpy": numpy.__version__, "scipy": scipy.__version__, "fipy": fipy.__version__,
        "rustc": rustc,
        "blas": [{key: info.get(key) for key in ("internal_api", "version", "num_threads", "architecture",
                                                  "threading_layer")} for info in threadpool_info()],
        "thread_environment": {key: os.environ.get(key) for key in ONE_THREAD},
    }


def report(result):
    peers = result["times_ms"]
    print(f"\n{result['case']['unknowns']} unknowns, {result['case']['steps']} backward-Euler steps, "
          f"{result['rounds']} interleaved rounds; load average before {result['environment']['load_average_1_5_15_before']}")
    print(f"{'peer':42} {'median ms (range)':28} {'÷ Rust, median (range)':26} agreement")
    for name, times in peers.items():
        ratio = result["ratio_to_rust"].get(name)
        ratio_text = f"{ratio['median']:.2f} ({ratio['min']:.2f}–{ratio['max']:.2f})" if ratio else "1"
        time_text = f"{times['median']:.2f} ({times['min']:.2f}–{times['max']:.2f})"
        agreement = result["max_relative_difference"].get(name)
        print(f"{name:42} {time_text:28} {ratio_text:26} {'' if agreement is None else f'{agreement:.1e}'}")
    profile = result["fipy_profile"]
    print(f"\nFiPy, one cProfile'd solve ({profile['profiled_total_s']:.2f} s with the profiler's overhead):")
    for name, share in profile["shares"].items():
        print(f"  {name:50} {100 * share:5.1f} %  ({profile['seconds'][name]:.3f} s)")


def main():
    args = arguments()
    import numpy as np
    load_before = list(os.getloadavg())
    executable = build_rust()
    case = run_rust(executable, args.repeats)
    rust = np.array(case["final_potential"])
    banded = Banded(case)
    prebuilt = [banded.system(case, t, dt) for t, dt in step_times(case)]
    scipy_variants = scipy_runs(case, banded, prebuilt)
    fipy_run = fipy_run_factory(case)
    # Warm-up (imports, FiPy's caches) and the agreement check before anything is timed.
    agreement = {name: check(name, run(), rust) for name, run in scipy_variants}
    agreement["fipy"] = check("fipy", fipy_run(), rust)

    times = {"rust": [], **{name: [] for name, _ in scipy_variants}, "fipy": []}
    for round_index in range(args.rounds):
        times["rust"].append(run_rust(executable, args.repeats)["rust_median_ms"])
        for name, run in scipy_variants:
            median, state = timed(run, args.repeats)
            agreement[name] = max(agreement[name], check(name, state, rust))
            times[name].append(median)
        median, state = timed(fipy_run, args.fipy_repeats)
        agreement["fipy"] = max(agreement["fipy"], check("fipy", state, rust))
        times["fipy"].append(median)
        print(f"round {round_index + 1}/{args.rounds}: " + ", ".join(f"{k} {v[-1]:.2f} ms" for k, v in times.items()),
              flush=True)

    result = {
        "case": {"unknowns": case["unknowns"], "steps": len(case["step_sizes_s"]),
                 "description": "minoxidil 10 mg/mL, dermapen 1 mm, cheek, 24 h, backward Euler"},
        "rounds": args.rounds, "repeats": args.repeats, "fipy_repeats": args.fipy_repeats,
        "times_ms": {name: summary(values) for name, values in times.items()},
        "ratio_to_rust": {name: summary([p / r for p, r in zip(values, times["rust"])])
                          for name, values in times.items() if name != "rust"},
        "max_relative_difference": agreement,
        "fipy_profile": fipy_profile(fipy_run),
    }
    result["environment"] = environment(load_before)
    with open(args.output, "w") as out:
        json.dump(result, out, indent=2)
    report(result)
    print(f"\nwritten to {os.path.relpath(args.output, ROOT)}")


if __name__ == "__main__":
    arguments()  # refuse bad arguments before any install
    ensure_venv()
    main()
