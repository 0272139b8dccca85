#!/usr/bin/env python3
"""The default delivery case solved by FiPy on the same grid and the same time steps.

Installs FiPy 4.0.3 (with numpy and scipy) into bench/.venv if needed, exports the case from the
Rust solver (backward Euler, the scheme FiPy uses), solves it with FiPy's cylindrical finite-volume
mesh and a direct LU solver, and prints the speed ratio and the agreement of the end states.

Run from the repository root: python3 bench/fipy_delivery.py
"""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "bench", ".venv")


def ensure_fipy():
    python = os.path.join(VENV, "bin", "python")
    if os.environ.get("FIPY_BENCH_INNER") == "1":
        return
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "fipy==4.0.3", "numpy", "scipy"], check=True)
    env = dict(os.environ, FIPY_BENCH_INNER="1")
    sys.exit(subprocess.run([python, __file__], env=env).returncode)


def main():
    case_json = subprocess.run(
        ["cargo", "run", "--quiet", "--release", "-p", "microneedling-core", "--example", "export_case"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    case = json.loads(case_json)

    import numpy as np
    from fipy import CellVariable, CylindricalGrid2D, DiffusionTerm, ImplicitSourceTerm, TransientTerm
    from fipy.solvers.scipy import LinearLUSolver

    d = case["discretization"]
    dr = np.diff(d["r_faces_um"])
    dz = np.diff(d["z_faces_um"])
    mesh = CylindricalGrid2D(dx=dr, dy=dz)  # x = radius, y = depth; cells ordered x fastest, as in Rust
    capacity = np.array(d["capacity_per_volume"])
    dk_tissue = np.array(d["dk_tissue_um2_per_s"])
    fraction = np.array(d["channel_fraction"])
    loss = np.array(d["loss_per_s"])
    vehicle = case["vehicle_dk_um2_per_s"]
    half_life = case["half_life_s"]
    concentration = case["concentration_ug_per_ml"]

    # Initial state: channel fluid at the donor concentration, tissue empty (as in Rust).
    u = CellVariable(mesh=mesh, value=fraction * concentration / capacity)
    u.constrain(concentration, mesh.facesBottom)  # y = 0: the skin surface under the vehicle
    u.constrain(0.0, mesh.facesTop)  # below the dermis: sink
    dk = CellVariable(mesh=mesh, value=dk_tissue)
    equation = TransientTerm(coeff=CellVariable(mesh=mesh, value=capacity)) == DiffusionTerm(
        coeff=dk.harmonicFaceValue
    ) - ImplicitSourceTerm(coeff=CellVariable(mesh=mesh, value=loss))
    solver = LinearLUSolver(tolerance=1e-12)

    start = time.perf_counter()
    t = 0.0
    for dt in case["step_sizes_s"]:
        t += dt
        openness = 0.5 ** (t / half_life)
        dk.setValue(dk_tissue + fraction * openness * (vehicle - dk_tissue))
        equation.solve(var=u, dt=dt, solver=solver)
    fipy_ms = (time.perf_counter() - start) * 1e3

    rust = np.array(case["final_potential"])
    fipy = np.array(u.value)
    agreement = float(np.max(np.abs(fipy - rust)) / np.max(np.abs(rust)))
    amount = lambda v: float(np.sum(v * capacity * np.array(mesh.cellVolumes)))
    print(json.dumps({
        "unknowns": case["unknowns"],
        "steps": len(case["step_sizes_s"]),
        "rust_median_ms": case["rust_median_ms"],
        "fipy_ms": fipy_ms,
        "speed_ratio": fipy_ms / case["rust_median_ms"],
        "max_relative_difference": agreement,
        "tissue_amount_relative_difference": abs(amount(fipy) - amount(rust)) / amount(rust),
    }, indent=2))


if __name__ == "__main__":
    ensure_fipy()
    main()
