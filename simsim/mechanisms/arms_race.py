"""Arms race: Richardson dynamics for two or more arsenals, with treaty ceilings.

Richardson's model (Richardson 1960, *Arms and Insecurity*) written in matrix form for
``n`` states (Intriligator 1964; Intriligator & Brito 1984)::

    dx/dt = F x - diag(m) x + g

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

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from simsim.mechanisms.declarations.arms_race import (
    _EVENT_QUANTITY_BOUNDS,
    ArmsRaceDeclaration,
    CeilingEvent,
    DoctrineEvent,
    _event_label,
)
from simsim.model import DiplomacyModel
from simsim.registry import register_mechanism
from simsim.scenario.quantity import Quantity

FloatArray = NDArray[np.float64]


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


# =======================================================================================
# Mesa model
# =======================================================================================


def poisson_from_uniform(u: ArrayLike, lam: ArrayLike) -> NDArray[np.int64]:
    """Poisson(``lam``) counts by inverting the CDF at uniforms ``u`` (elementwise, vectorised).

    The count is the smallest ``k`` with ``P(K <= k) > u``, so one uniform determines one count
    whatever the batch it is computed in. Exact up to floating-point rounding of the CDF.
    """
    uv = np.asarray(u, dtype=float)
    lv = np.broadcast_to(np.asarray(lam, dtype=float), uv.shape)
    k = np.zeros(uv.shape, dtype=np.int64)
    pmf = np.exp(-lv)
    cdf = pmf.copy()
    more = uv >= cdf
    j = 0
    while more.any():
        j += 1
        k += more
        pmf = pmf * lv / j
        new = cdf + pmf
        if not (new > cdf)[more].any():  # the CDF stopped growing (rounding): stop there
            break
        cdf = new
        more &= uv >= cdf
    return k


def batched_spectral_abscissa(system: ArrayLike) -> FloatArray:
    """:func:`spectral_abscissa` for a stack of system matrices ``(R, n, n)``: shape (R,)."""
    return np.max(np.linalg.eigvals(np.asarray(system, dtype=float)).real, axis=-1)


@register_mechanism
class ArmsRaceModel(ArmsRaceDeclaration, DiplomacyModel):
    """Richardson arms race for two or more states, with treaty ceilings and doctrine shifts.

    Each step (length ``dt`` years) does, for all states and all runs of the model at once:

    1. events due at this step (base class): ``ceiling`` starts a treaty ceiling,
       ``doctrine`` changes one state's coefficients, ``set_parameter`` / ``set_relation``;
    2. Euler-Maruyama step of ``dx/dt = F x - m x + g`` with proportional noise ``noise``
       (see :func:`euler_step`), arsenals floored at zero;
    3. crises: ``K ~ Poisson(shock_rate * dt)``; each picks a pair of states with a non-zero
       fear coefficient between them uniformly and multiplies both arsenals by
       ``1 + shock_size``. Drawn as independent ``Poisson(shock_rate * dt / P)`` counts for
       each of the ``P`` linked pairs, which is the same distribution (Poisson splitting) and
       uses a fixed number of uniforms per step;
    4. ceilings in force: a covered state's treaty-counted arsenal ``c_i x_i``
       (``c_i = counted_share``) above the limit ``L`` loses the fraction ``compliance`` of
       its excess, ``x_i -= compliance * max(0, x_i - L / c_i)``;
    5. breaches: any covered ``c_i x_i > L`` while the ceiling is in force;
    6. divergence: a run in which some arsenal exceeds :attr:`DIVERGENCE_BOUND` has run away
       (an unstable system grows without limit). Its arsenals above the bound become ``inf``,
       the others keep their value, and the run stops there; ``diverged`` is true and
       ``diverged_step`` is that step. Without this the arsenals would overflow float64 and
       turn into ``inf`` and ``nan`` at steps that depend only on floating-point range.

    Stability is Richardson's condition in matrix form, ``max Re eig(F - diag(m)) < 0``
    (:func:`is_stable`); for two states it is ``m n > a b``.

    The model is vectorised (``vectorised = True``): it computes ``R`` runs side by side,
    ``x`` has shape (R, n), ``fear`` (R, n, n). Run ``r`` uses only its own streams
    (:meth:`~simsim.model.DiplomacyModel.uniforms`): ``input:event.<id>.<field>`` for each
    uncertain event input, ``noise`` (one uniform per step and state, a standard normal by
    the inverse CDF) and ``crises`` (one per step and pair of states), all drawn up front,
    so its results do not depend on the other runs of the chunk.

    References
    ----------
    Richardson, L. F. (1960). *Arms and Insecurity*. Pittsburgh: Boxwood Press.
    Intriligator, M. D. (1964). Some simple models of arms races. *General Systems* 9, 143-147.
    """

    vectorised = True

    #: An arsenal above this (in model units) means the run has diverged: Richardson's runaway
    #: arms race, which an unstable system reaches in finite time only numerically. Far above any
    #: quantity in any unit, and far enough below float64's largest value (1.8e308) that one
    #: step from below it cannot overflow for coefficients up to about 1e200.
    DIVERGENCE_BOUND = 1e100

    # -- R runs side by side ---------------------------------------------------------------------
    def _param(self, name: str) -> FloatArray:
        """Parameter ``name`` as an array over the runs, shape (R,) (see :meth:`setup`)."""
        return self.p[name]  # type: ignore[no-any-return]

    def _system(self) -> FloatArray:
        """System matrices ``A = F - diag(m)`` of every run, shape (R, n, n)."""
        a = self.fear.copy()
        d = np.arange(self.n)
        a[:, d, d] = -self.fatigue
        return a

    def setup(self) -> None:
        """Initial arsenals and coefficients, and every uniform the runs will use (drawn up front)."""
        R, n = self.R, self.n
        d = np.arange(n)
        # every parameter as an array over the runs (a single run's inputs may be scalars)
        self.p = {k: np.broadcast_to(np.asarray(v, dtype=float), (R,)).copy() for k, v in self.p.items()}
        self.x = self.attr["arsenal"].astype(float).copy()  # (R, n)
        self.fear = self.rel["fear"]  # (R, n, n)
        self.fear[:, d, d] = 0.0
        self.fatigue = self.attr["fatigue"]
        self.grievance = self.attr["grievance"]
        self.counted_share = self.attr["counted_share"]
        self.stable_initial = batched_spectral_abscissa(self._system()) < 0.0
        # uncertain event inputs: each from its own stream, named after its outcome column
        self.event_inputs: dict[str, FloatArray] = {}
        self._event_values: dict[tuple[int, str], FloatArray] = {}
        for k, ev in enumerate(self.spec.events):
            for fname in _EVENT_QUANTITY_BOUNDS:
                q = getattr(ev, fname, None)
                if not isinstance(q, Quantity):
                    continue
                if q.uncertain:
                    column = f"event.{_event_label(ev, k)}.{fname}"
                    v = q.from_uniform(self.uniforms(f"input:{column}"))
                    self.event_inputs[column] = v
                else:
                    v = np.full(R, q.central())
                self._event_values[(k, fname)] = v
        # random numbers of every step: one per state (noise) and one per pair of states (crises)
        steps = self.spec.steps
        self._pairs = np.triu_indices(n, 1)
        n_pairs = self._pairs[0].size
        self._incidence = np.zeros((n_pairs, n))
        self._incidence[np.arange(n_pairs), self._pairs[0]] = 1.0
        self._incidence[np.arange(n_pairs), self._pairs[1]] = 1.0
        self._eps: FloatArray | None = None
        if self.may_be_positive("noise"):
            self._eps = special.ndtri(np.maximum(self.uniforms("noise", (steps, n)), 2.0**-60))
        self._u_crises: FloatArray | None = None
        if self.may_be_positive("shock_rate") and n_pairs:
            self._u_crises = self.uniforms("crises", (steps, n_pairs))
        # treaty ceilings, in the order they start (step, then order in the file)
        self._ceilings = sorted(((k, ev) for k, ev in enumerate(self.spec.events) if isinstance(ev, CeilingEvent)),
                                key=lambda kv: (kv[1].step, kv[0]))
        self._ceiling_pos = {k: c for c, (k, _) in enumerate(self._ceilings)}
        self._cover = [np.isin(self.ids, ev.actors) for _, ev in self._ceilings]
        self._ends = np.array([np.inf if ev.end is None else ev.end for _, ev in self._ceilings], dtype=float)
        self._started = np.zeros((R, len(self._ceilings)), dtype=bool)
        self.crises = np.zeros(R)
        self.breach_step = np.full(R, np.nan)
        self.breach_size = np.zeros(R)
        self.after_expiry_step = np.full(R, np.nan)
        self.diverged = np.zeros(R, dtype=bool)
        self.diverged_step = np.full(R, np.nan)

    def on_ceiling(self, event: CeilingEvent, mask: np.ndarray) -> None:
        """Event ``ceiling``: a treaty ceiling on the covered states from this step to ``end``."""
        c = self._ceiling_pos[self.event_index]
        self._started[:, c] |= mask

    def on_doctrine(self, event: DoctrineEvent, mask: np.ndarray) -> None:
        """Event ``doctrine``: new or scaled coefficients of one state from this step on."""
        i = self.idx[event.actor]
        cols = np.ones(self.n, dtype=bool) if event.towards is None else np.isin(self.ids, event.towards)
        cols[i] = False
        runs = np.nonzero(mask)[0]
        rr, cc = runs[:, None], np.nonzero(cols)[0][None, :]
        k = self.event_index
        if (v := self._event_values.get((k, "fear"))) is not None:
            self.fear[rr, i, cc] = v[rr]
        if (v := self._event_values.get((k, "fear_scale"))) is not None:
            self.fear[rr, i, cc] *= v[rr]
        if (v := self._event_values.get((k, "fatigue"))) is not None:
            self.fatigue[runs, i] = v[runs]
        if (v := self._event_values.get((k, "grievance"))) is not None:
            self.grievance[runs, i] = v[runs]

    def _compliance(self, c: int) -> FloatArray:
        k = self._ceilings[c][0]
        v = self._event_values.get((k, "compliance"))
        return self._param("compliance") if v is None else v

    def advance(self) -> None:
        """One Euler step, crises, ceiling compliance and breach bookkeeping, for all states and runs."""
        t = self.steps
        dt = self._param("dt")
        stopped = self.diverged
        x = np.where(stopped[:, None], 0.0, self.x) if stopped.any() else self.x  # a diverged run is not stepped
        new = x + dt[:, None] * (np.matmul(self._system(), x[:, :, None])[:, :, 0] + self.grievance)
        if self._eps is not None:
            new = new + (self._param("noise") * np.sqrt(dt))[:, None] * x * self._eps[:, t - 1]
        x = np.maximum(new, 0.0)
        if self._u_crises is not None:
            ii, jj = self._pairs
            linked = (self.fear[:, ii, jj] + self.fear[:, jj, ii]) > 0  # (R, P)
            linked[~linked.any(axis=1)] = True  # no linked pair: crises pick among all pairs
            lam = np.where(linked, (self._param("shock_rate") * dt / linked.sum(axis=1))[:, None], 0.0)
            k = poisson_from_uniform(self._u_crises[:, t - 1], lam)
            total = np.where(stopped, 0, k.sum(axis=1))
            if total.any():
                self.crises += total
                x = x * (1.0 + self._param("shock_size"))[:, None] ** (k @ self._incidence)
        share = self.counted_share
        in_force = self._started & (t < self._ends)
        for c in range(len(self._ceilings)):
            if not in_force[:, c].any():
                continue
            limit = self._event_values[(self._ceilings[c][0], "limit")]
            with np.errstate(divide="ignore"):
                cap = np.where(self._cover[c] & (share > 0), limit[:, None] / share, np.inf)
            x = apply_ceiling(x, cap, np.where(in_force[:, c], self._compliance(c), 0.0)[:, None])
        over = ~(x <= self.DIVERGENCE_BOUND)  # also catches nan (coefficients beyond float range)
        newly = ~stopped & over.any(axis=1)
        if stopped.any():
            x[stopped] = self.x[stopped]
        if newly.any():
            x[newly] = np.where(over[newly], np.inf, x[newly])
            self.diverged_step[newly] = float(t)
            self.diverged = stopped | newly
        self.x = x
        for c in range(len(self._ceilings)):
            started = self._started[:, c]
            if not started.any():
                continue
            cover = self._cover[c]
            limit = self._event_values[(self._ceilings[c][0], "limit")]
            with np.errstate(invalid="ignore"):  # 0 * inf in a diverged run: nan, never a breach
                excess = share[:, cover] * x[:, cover] - limit[:, None]
            if t < self._ends[c]:
                worst = excess.max(axis=1)
                hit = started & (worst > 1e-9 * np.maximum(1.0, limit))
                self.breach_step = np.where(hit & np.isnan(self.breach_step), float(t), self.breach_step)
                self.breach_size = np.where(hit, np.maximum(self.breach_size, worst), self.breach_size)
            else:
                hit = started & np.isnan(self.after_expiry_step) & (excess > 0).any(axis=1)
                self.after_expiry_step = np.where(hit, float(t), self.after_expiry_step)

    # -- records ------------------------------------------------------------------------------
    def ceilings_in_force(self) -> NDArray[np.int64]:
        """Number of ceilings in force at the end of the current step, per run."""
        return (self._started & (self.steps < self._ends)).sum(axis=1)

    def total(self) -> FloatArray:
        """Sum of all arsenals, per run."""
        return self.x.sum(axis=1)

    def _arsenal(self, index: int) -> FloatArray:
        return self.x[:, index].copy()

    def reporters(self) -> dict[str, Any]:
        """Per-step columns: each arsenal, their total and the number of ceilings in force."""
        rep: dict[str, Any] = {f"arsenal.{a}": [self._arsenal, [i]] for i, a in enumerate(self.ids)}
        rep["total"] = self.total
        rep["ceilings_in_force"] = self.ceilings_in_force
        return rep

    def outcomes(self) -> dict[str, Any]:
        """Final arsenals and ratios, equilibrium and stability, breaches, crises: arrays over the runs."""
        x = self.x
        out: dict[str, Any] = {f"final.{a}": x[:, i].copy() for i, a in enumerate(self.ids)}
        with np.errstate(divide="ignore", invalid="ignore"):
            for i, a in enumerate(self.ids):
                for j in range(i + 1, self.n):
                    out[f"ratio.{a}.{self.ids[j]}"] = np.where(x[:, j] > 0, x[:, i] / x[:, j], np.nan)
        system = self._system()
        alpha = batched_spectral_abscissa(system)
        stable = alpha < 0.0
        eq = np.full((self.R, self.n), np.nan)
        if stable.any():  # a stable system matrix is non-singular
            eq[stable] = np.linalg.solve(-system[stable], self.grievance[stable][:, :, None])[:, :, 0]
        out.update({f"equilibrium.{a}": eq[:, i].copy() for i, a in enumerate(self.ids)})
        out["stable"] = stable
        out["stable_initial"] = self.stable_initial.copy()
        out["spectral_abscissa"] = alpha
        out["breach"] = ~np.isnan(self.breach_step)
        out["breach_step"] = self.breach_step.copy()
        out["breach_size"] = self.breach_size.copy()
        out["above_limit_after_expiry_step"] = self.after_expiry_step.copy()
        out["crises"] = self.crises.astype(float)
        out["diverged"] = self.diverged.copy()
        out["diverged_step"] = self.diverged_step.copy()
        out.update({k: v.copy() for k, v in self.event_inputs.items()})
        return out
