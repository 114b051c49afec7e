"""Arms race: Richardson dynamics for two or more arsenals, with treaty ceilings.

Richardson's model (Richardson 1960, *Arms and Insecurity*) written in matrix form for
``n`` states (Intriligator 1964; Intriligator & Brito 1984):

.. math::

    \\frac{dx}{dt} = F x - \\operatorname{diag}(m)\\, x + g

where ``x[i]`` is state ``i``'s arsenal, ``F[i, j] >= 0`` is the *fear* (defence)
coefficient with which ``i`` responds to ``j``'s arsenal (``F[i, i] = 0``), ``m[i] >= 0`` is
``i``'s *fatigue* (cost, restraint) coefficient and ``g[i]`` its *grievance* (a constant
drive, negative for goodwill). With ``A = F - diag(m)`` the system is ``dx/dt = A x + g``.

Discretisation (explicit Euler, step ``dt`` in years), with optional proportional noise
(Euler-Maruyama) and arsenals held at zero or above::

    x[t+1] = max(0, x[t] + dt (A x[t] + g) + sigma sqrt(dt) x[t] * eps[t]),  eps ~ N(0, I)

Equilibrium (when ``M = diag(m) - F`` is non-singular): ``x* = M^{-1} g``; for two states
with ``F = [[0, a], [b, 0]]``, ``m = (m, n)``, ``g = (r, s)`` this is
``x* = (a s + n r)/(m n - a b)``, ``y* = (b r + m s)/(m n - a b)``.

Stability: the linear system is asymptotically stable iff every eigenvalue of ``A`` has a
negative real part (spectral abscissa ``alpha(A) < 0``). Because ``F >= 0``, ``A`` is a
Metzler matrix, so ``alpha(A)`` is itself a real eigenvalue (Perron-Frobenius) and the
condition is equivalent to ``M`` being a non-singular M-matrix, i.e. all leading principal
minors of ``M`` positive (Hawkins-Simon); for two states this is Richardson's ``m n > a b``.
The Euler map ``x -> (I + dt A) x + dt g`` is stable iff the spectral radius of
``I + dt A`` is below one; when ``dt * max(m) <= 1`` the matrix ``I + dt A`` is
non-negative, its spectral radius is ``1 + dt alpha(A)``, and the discrete and continuous
conditions coincide exactly.

This top part of the module is the computational kernel: plain numpy functions over all
states at once, with no dependence on the rest of simsim.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

RICHARDSON_CITATION = (
    "Richardson, L. F. (1960). Arms and Insecurity: A Mathematical Study of the Causes and "
    "Origins of War. Pittsburgh: Boxwood Press. Matrix form: Intriligator, M. D. (1964). "
    "Some simple models of arms races. General Systems 9, 143-147."
)


def system_matrix(fear: ArrayLike, fatigue: ArrayLike) -> FloatArray:
    """Return the linear system matrix ``A = F - diag(m)``.

    Parameters
    ----------
    fear
        ``(n, n)`` fear coefficients ``F[i, j]``: response of ``i`` to ``j``'s arsenal, per
        year. The diagonal is ignored (a state does not fear itself).
    fatigue
        ``(n,)`` fatigue coefficients ``m[i]``, per year.

    Returns
    -------
    numpy.ndarray
        ``(n, n)`` matrix ``A`` with ``A[i, j] = F[i, j]`` off the diagonal and
        ``A[i, i] = -m[i]``.
    """
    f = np.array(fear, dtype=float)
    m = np.asarray(fatigue, dtype=float)
    np.fill_diagonal(f, 0.0)
    return f - np.diag(m)


def drift(
    x: ArrayLike, fear: ArrayLike, fatigue: ArrayLike, grievance: ArrayLike
) -> FloatArray:
    """Richardson drift ``dx/dt = F x - m * x + g`` for all states at once.

    Parameters
    ----------
    x
        ``(n,)`` arsenals.
    fear, fatigue, grievance
        Coefficients as in :func:`system_matrix`; ``grievance`` is ``(n,)``, per year.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` rate of change per year.
    """
    return system_matrix(fear, fatigue) @ np.asarray(x, dtype=float) + np.asarray(
        grievance, dtype=float
    )


def euler_step(
    x: ArrayLike,
    system: ArrayLike,
    grievance: ArrayLike,
    dt: float,
    noise: float = 0.0,
    eps: ArrayLike | None = None,
) -> FloatArray:
    """One explicit Euler (Euler-Maruyama) step, arsenals clipped at zero.

    ``x' = max(0, x + dt (A x + g) + noise sqrt(dt) x eps)``.

    Parameters
    ----------
    x
        ``(n,)`` arsenals at the start of the step.
    system
        ``(n, n)`` matrix ``A`` from :func:`system_matrix`.
    grievance
        ``(n,)`` grievance terms, per year.
    dt
        Step length in years.
    noise
        Proportional noise intensity ``sigma`` per square-root year; 0 for none.
    eps
        ``(n,)`` standard normal draws (required when ``noise > 0``).

    Returns
    -------
    numpy.ndarray
        ``(n,)`` arsenals at the end of the step, all ``>= 0``.
    """
    xv = np.asarray(x, dtype=float)
    new = xv + dt * (np.asarray(system, dtype=float) @ xv + np.asarray(grievance, dtype=float))
    if noise > 0.0:
        if eps is None:
            raise ValueError("eps (standard normal draws) is required when noise > 0")
        new = new + noise * np.sqrt(dt) * xv * np.asarray(eps, dtype=float)
    return np.maximum(new, 0.0)


def simulate(
    x0: ArrayLike,
    fear: ArrayLike,
    fatigue: ArrayLike,
    grievance: ArrayLike,
    dt: float,
    steps: int,
) -> FloatArray:
    """Deterministic Euler trajectory with arsenals held at zero or above.

    Parameters
    ----------
    x0
        ``(n,)`` initial arsenals.
    fear, fatigue, grievance
        Richardson coefficients (see :func:`system_matrix`, :func:`drift`).
    dt
        Step length in years.
    steps
        Number of steps.

    Returns
    -------
    numpy.ndarray
        ``(steps + 1, n)`` trajectory; row 0 is ``x0``.
    """
    a = system_matrix(fear, fatigue)
    g = np.asarray(grievance, dtype=float)
    out = np.empty((steps + 1, a.shape[0]))
    out[0] = np.asarray(x0, dtype=float)
    for t in range(steps):
        out[t + 1] = euler_step(out[t], a, g, dt)
    return out


def equilibrium(fear: ArrayLike, fatigue: ArrayLike, grievance: ArrayLike) -> FloatArray:
    """Equilibrium of the linear system, ``x* = (diag(m) - F)^{-1} g``.

    For two states this is Richardson's ``x* = (a s + n r)/(m n - a b)``,
    ``y* = (b r + m s)/(m n - a b)``. The equilibrium is an attractor only when
    :func:`is_stable` holds; if some component is negative, the zero floor on arsenals
    binds and the clipped system settles elsewhere.

    Parameters
    ----------
    fear, fatigue, grievance
        Richardson coefficients.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` equilibrium arsenals; all ``nan`` if ``diag(m) - F`` is singular.
    """
    m = -system_matrix(fear, fatigue)
    g = np.asarray(grievance, dtype=float)
    try:
        return np.linalg.solve(m, g)
    except np.linalg.LinAlgError:
        return np.full(g.shape, np.nan)


def spectral_abscissa(fear: ArrayLike, fatigue: ArrayLike) -> float:
    """Largest real part of the eigenvalues of ``A = F - diag(m)``, per year.

    Negative means the continuous-time system is asymptotically stable; ``-alpha`` is the
    slowest rate at which deviations from the equilibrium decay.
    """
    return float(np.max(np.linalg.eigvals(system_matrix(fear, fatigue)).real))


def is_stable(fear: ArrayLike, fatigue: ArrayLike) -> bool:
    """Richardson stability in matrix form: ``max Re eig(F - diag(m)) < 0``.

    For two states with ``F = [[0, a], [b, 0]]`` and fatigue ``(m, n)`` (both positive)
    this is exactly ``m n > a b``.
    """
    return spectral_abscissa(fear, fatigue) < 0.0


def euler_spectral_radius(fear: ArrayLike, fatigue: ArrayLike, dt: float) -> float:
    """Spectral radius of the Euler map ``I + dt A``; below one means the map is stable."""
    a = system_matrix(fear, fatigue)
    return float(np.max(np.abs(np.linalg.eigvals(np.eye(a.shape[0]) + dt * a))))


def apply_ceiling(
    x: ArrayLike, cap: ArrayLike, compliance: ArrayLike
) -> FloatArray:
    """Hold arsenals towards a treaty ceiling with a given degree of compliance.

    ``x' = x - c * max(0, x - cap)``: full compliance (``c = 1``) gives ``min(x, cap)``;
    ``c = 0`` ignores the ceiling. States not covered have ``cap = inf``.

    Parameters
    ----------
    x
        ``(n,)`` arsenals in model units.
    cap
        ``(n,)`` ceiling per state in model units (``inf`` when not covered).
    compliance
        Degree of compliance in ``[0, 1]``, scalar or ``(n,)``.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` arsenals after compliance.
    """
    xv = np.asarray(x, dtype=float)
    excess = np.maximum(xv - np.asarray(cap, dtype=float), 0.0)
    return xv - np.asarray(compliance, dtype=float) * excess
