using System.Globalization;
using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;

namespace ControlRL.Core.Checking;

public enum CheckSeverity
{
    /// <summary>Legal but suspicious (e.g. different seeds give the same start).</summary>
    Warning,

    /// <summary>Breaks the env contract; training on it would be wrong or crash.</summary>
    Error,
}

/// <summary>One finding of <see cref="EnvChecker"/>; <see cref="Check"/> names the check (e.g. <c>reset.observation</c>).</summary>
public sealed record EnvCheckProblem(CheckSeverity Severity, string EnvId, string Check, string Message)
{
    public override string ToString() =>
        $"[{EnvId}] {(Severity == CheckSeverity.Error ? "error" : "warning")} in {Check}: {Message}";
}

/// <summary>An env failed <see cref="EnvChecker.Check"/>; <see cref="Problems"/> lists every finding.</summary>
public sealed class EnvCheckException(string envId, IReadOnlyList<EnvCheckProblem> problems)
    : Exception($"Env '{envId}' failed {problems.Count(p => p.Severity == CheckSeverity.Error)} check(s):"
        + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public string EnvId { get; } = envId;
    public IReadOnlyList<EnvCheckProblem> Problems { get; } = problems;
}

/// <summary>
/// Checks that an env honours the <see cref="IEnv"/> contract, like Stable-Baselines3's <c>check_env</c>: valid spec
/// and spaces; reset observations that are finite, fully written and inside the observation space; seeded resets
/// that are reproducible; steps with sampled actions that give finite rewards, observations in the space and reward
/// terms that sum to the reward; NaN / infinite / misshaped / out-of-range actions rejected with
/// <see cref="InvalidActionException"/>; resets after an episode ends.
/// </summary>
public static class EnvChecker
{
    /// <summary>
    /// Runs every check and throws <see cref="EnvCheckException"/> listing all findings when any is an error;
    /// otherwise returns the warnings.
    /// </summary>
    public static IReadOnlyList<EnvCheckProblem> Check(IEnv env, int steps = 200, ulong seed = 0)
    {
        var problems = Inspect(env, steps, seed);
        if (problems.Any(p => p.Severity == CheckSeverity.Error))
            throw new EnvCheckException(problems[0].EnvId, problems);
        return problems;
    }

    /// <summary>Runs every check and returns all findings without throwing.</summary>
    public static IReadOnlyList<EnvCheckProblem> Inspect(IEnv env, int steps = 200, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var run = new Run(env, seed);
        run.All(steps);
        return run.Problems;
    }

    private sealed class Run(IEnv env, ulong seed)
    {
        private readonly List<EnvCheckProblem> _problems = [];
        private readonly Dictionary<string, int> _repeats = new(StringComparer.Ordinal);
        private string _id = "<unknown env>";
        private Space _obsSpace = null!;
        private Space _actSpace = null!;
        private int _terms;
        private int _info;

        public IReadOnlyList<EnvCheckProblem> Problems
        {
            get
            {
                // Repeated per-step findings are reported once, with how often they happened.
                return _problems.Select(p => _repeats.TryGetValue(p.Check, out int n) && n > 1
                    ? p with { Message = $"{p.Message} (and in {n - 1} more step(s))" }
                    : p).ToList();
            }
        }

        private void Add(CheckSeverity s, string check, string message, bool once = false)
        {
            if (once)
            {
                _repeats[check] = _repeats.GetValueOrDefault(check) + 1;
                if (_repeats[check] > 1) return;
            }
            _problems.Add(new EnvCheckProblem(s, _id, check, message));
        }

        private void Error(string check, string message, bool once = false) => Add(CheckSeverity.Error, check, message, once);
        private void Warn(string check, string message, bool once = false) => Add(CheckSeverity.Warning, check, message, once);

        private static string Fmt(ReadOnlySpan<float> x) =>
            "[" + string.Join(", ", x.ToArray().Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + "]";

        private static string Describe(Exception e) => $"{e.GetType().Name}: {e.Message}";

        public void All(int steps)
        {
            if (!CheckSpec()) return;
            if (!CheckReset()) return;
            CheckSteps(steps);
            CheckStepDeterminism(Math.Min(steps, 100));
            CheckInvalidActions();
        }

        private bool CheckSpec()
        {
            EnvSpec? spec;
            try
            {
                spec = env.Spec;
            }
            catch (Exception e)
            {
                Error("spec", $"reading Spec threw {Describe(e)}");
                return false;
            }
            if (spec is null)
            {
                Error("spec", "Spec is null.");
                return false;
            }
            if (!string.IsNullOrWhiteSpace(spec.Id)) _id = spec.Id;
            else Error("spec.id", "the env id is empty.");
            bool ok = true;
            if (spec.ObservationSpace is null) { Error("spec.observation_space", "ObservationSpace is null."); ok = false; }
            else if (spec.ObservationSpace.FlatSize <= 0) { Error("spec.observation_space", $"{spec.ObservationSpace.Describe()} has no values (FlatSize {spec.ObservationSpace.FlatSize})."); ok = false; }
            if (spec.ActionSpace is null) { Error("spec.action_space", "ActionSpace is null."); ok = false; }
            else if (spec.ActionSpace.FlatSize <= 0) { Error("spec.action_space", $"{spec.ActionSpace.Describe()} has no values (FlatSize {spec.ActionSpace.FlatSize})."); ok = false; }
            if (spec.RewardTerms is null) { Error("spec.reward_terms", "RewardTerms is null (use an empty list for none)."); ok = false; }
            if (!ok) return false;

            _obsSpace = spec.ObservationSpace!;
            _actSpace = spec.ActionSpace!;
            _terms = spec.RewardTerms!.Count;
            _info = spec.Info?.Count ?? 0;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string t in spec.RewardTerms!)
            {
                if (string.IsNullOrWhiteSpace(t)) Error("spec.reward_terms", "a reward term name is empty.");
                else if (!seen.Add(t)) Error("spec.reward_terms", $"reward term '{t}' appears twice; names must be unique.");
            }
            if (!(spec.Dt > 0) || !double.IsFinite(spec.Dt)) Warn("spec.dt", $"Dt is {spec.Dt}; it should be the simulated seconds per step.");
            if (spec.FrameSkip < 1) Error("spec.frame_skip", $"FrameSkip is {spec.FrameSkip}; use 1 where not meaningful.");
            if (spec.MaxEpisodeSteps < 0) Error("spec.max_episode_steps", $"MaxEpisodeSteps is {spec.MaxEpisodeSteps}; use 0 for none.");
            if (_actSpace is Box box)
            {
                if (!box.IsBounded)
                {
                    Warn("spec.action_space", $"{box.Describe()} is unbounded; policies squash or clip to the bounds, so bound it.");
                }
                else
                {
                    bool normalized = true;
                    for (int i = 0; i < box.Low.Length; i++) normalized &= box.Low[i] == -box.High[i] && box.High[i] <= 1f && box.High[i] > 0;
                    if (!normalized)
                        Warn("spec.action_space", $"{box.Describe()} is not symmetric and normalized; a [-1, 1] action space (rescaled in the env) usually learns better.");
                }
            }
            else if (_actSpace is not Discrete)
            {
                Warn("spec.action_space", $"{_actSpace.Describe()} ({_actSpace.GetType().Name}) cannot be sampled by the checker; the step checks are skipped.");
            }
            return true;
        }

        private float[] NaNs(int n)
        {
            var a = new float[n];
            Array.Fill(a, float.NaN);
            return a;
        }

        private ObservationBatch NewObs() => new(_obsSpace, 1);

        // Float leaves start as NaN so a value the env forgot to write shows up; integer leaves cannot flag that.
        private static void Poison(ObservationBatch obs)
        {
            for (int i = 0; i < obs.LeafCount; i++)
            {
                if (obs.LeafDType(i) == DType.Float32) Array.Fill(obs.Floats(i), float.NaN);
                else if (obs.LeafDType(i) == DType.Int32) Array.Fill(obs.Ints(i), int.MinValue);
            }
        }

        // Every leaf as floats, in leaf order (for comparisons and messages).
        private static float[] Flat(ObservationBatch obs)
        {
            var all = new List<float>();
            for (int i = 0; i < obs.LeafCount; i++)
            {
                switch (obs.LeafDType(i))
                {
                    case DType.Float32: all.AddRange(obs.Floats(i)); break;
                    case DType.UInt8: all.AddRange(obs.Bytes(i).Select(b => (float)b)); break;
                    default: all.AddRange(obs.Ints(i).Select(v => (float)v)); break;
                }
            }
            return all.ToArray();
        }

        private bool TryReset(string check, ObservationBatch obs, ulong? s)
        {
            Poison(obs);
            try
            {
                env.Reset(obs.Row(0), s);
            }
            catch (Exception e)
            {
                Error(check, $"Reset({(s is null ? "no seed" : "seed " + s)}) threw {Describe(e)}", once: true);
                return false;
            }
            CheckObservation(check, obs);
            return true;
        }

        private bool CheckObservation(string check, ObservationBatch batch)
        {
            for (int leaf = 0; leaf < batch.LeafCount; leaf++)
            {
                string key = batch.LeafKey(leaf).Length > 0 ? $" of key '{batch.LeafKey(leaf)}'" : "";
                if (batch.LeafDType(leaf) == DType.Float32)
                {
                    var obs = batch.Floats(leaf);
                    for (int i = 0; i < obs.Length; i++)
                    {
                        if (!float.IsFinite(obs[i]))
                        {
                            Error(check + ".observation", $"observation value {i}{key} is {obs[i]} (non-finite, or not written by the env): {Fmt(obs)}.", once: true);
                            return false;
                        }
                    }
                }
                else if (batch.LeafDType(leaf) == DType.Int32 && Array.IndexOf(batch.Ints(leaf), int.MinValue) is int at and >= 0)
                {
                    Error(check + ".observation", $"observation value {at}{key} was not written by the env.", once: true);
                    return false;
                }
            }
            if (_obsSpace.Why(batch.Row(0)) is { } why)
            {
                Error(check + ".observation", $"observation {Fmt(Flat(batch))}: {why} (space {_obsSpace.Describe()}).", once: true);
                return false;
            }
            return true;
        }

        private bool CheckReset()
        {
            var obs = NewObs();
            if (!TryReset("reset", obs, seed)) return false;
            var again = NewObs();
            if (TryReset("reset", again, seed) && !Flat(obs).AsSpan().SequenceEqual(Flat(again)))
                Error("reset.determinism", $"Reset(seed {seed}) twice gave different observations {Fmt(Flat(obs))} and {Fmt(Flat(again))}; seeding must make episodes reproducible.");
            var other = NewObs();
            if (TryReset("reset", other, seed + 1) && Flat(obs).AsSpan().SequenceEqual(Flat(other)))
                Warn("reset.seeding", $"Reset with seeds {seed} and {seed + 1} gave the same observation {Fmt(Flat(obs))}; is the seed used?");
            var unseeded = NewObs();
            TryReset("reset.unseeded", unseeded, null);
            return true;
        }

        private bool Sample(Rng rng, Span<float> action)
        {
            switch (_actSpace)
            {
                case Box box:
                    for (int i = 0; i < action.Length; i++)
                    {
                        double lo = box.Low[i], hi = box.High[i];
                        double v = double.IsFinite(lo) && double.IsFinite(hi) ? rng.Uniform(lo, hi) : rng.Normal();
                        action[i] = Math.Clamp((float)v, box.Low[i], box.High[i]);
                    }
                    return true;
                case Discrete d:
                    action[0] = rng.NextInt(d.N);
                    return true;
                default:
                    return false;
            }
        }

        private void CheckSteps(int steps)
        {
            var obs = NewObs();
            var action = new float[_actSpace.FlatSize];
            var terms = new float[_terms];
            var info = new float[_info];
            if (!TryReset("step", obs, seed)) return;
            var rng = new Rng(seed ^ 0x5DEECE66DUL);
            int episodes = 0;
            for (int t = 0; t < steps; t++)
            {
                if (!Sample(rng, action)) return;
                Poison(obs);
                Array.Fill(terms, float.NaN);
                Array.Fill(info, float.NaN);
                StepOutcome r;
                try
                {
                    r = env.Step(action, obs.Row(0), terms, info);
                }
                catch (Exception e)
                {
                    Error("step", $"step {t} with valid action {Fmt(action)} threw {Describe(e)}");
                    return;
                }
                if (!float.IsFinite(r.Reward))
                    Error("step.reward", $"step {t}: reward is {r.Reward} (must be finite).", once: true);
                CheckObservation("step", obs);
                CheckTerms(t, r.Reward, terms);
                for (int k = 0; k < info.Length; k++)
                {
                    if (!float.IsFinite(info[k]))
                        Error("step.info", $"step {t}: info '{env.Spec.Info[k].Name}' is {info[k]} (non-finite, or not written by the env).", once: true);
                }
                if (r.Terminated || r.Truncated)
                {
                    episodes++;
                    if (!TryReset("reset_after_done", obs, null)) return;
                }
            }
            if (episodes == 0)
            {
                Warn("reset_after_done", $"no episode ended within {steps} steps, so resetting after the end of an episode was not exercised "
                    + "(check the time-limited env from EnvRegistry.Make, or pass more steps).");
            }
        }

        private void CheckTerms(int t, float reward, ReadOnlySpan<float> terms)
        {
            if (terms.Length == 0) return;
            double sum = 0, mag = Math.Abs(reward);
            for (int i = 0; i < terms.Length; i++)
            {
                if (!float.IsFinite(terms[i]))
                {
                    Error("step.reward_terms", $"step {t}: reward term {i} is {terms[i]} (non-finite, or not written by the env).", once: true);
                    return;
                }
                sum += terms[i];
                mag += Math.Abs(terms[i]);
            }
            if (Math.Abs(sum - reward) > 1e-4 * Math.Max(1.0, mag))
            {
                Error("step.reward_terms", $"step {t}: reward terms {Fmt(terms)} sum to {sum:G6} but the reward is {reward:G6}; "
                    + "terms must carry their weights so that they sum to the reward.", once: true);
            }
        }

        private void CheckStepDeterminism(int steps)
        {
            if (_problems.Any(p => p.Severity == CheckSeverity.Error)) return;
            var first = Trajectory(steps);
            var second = Trajectory(steps);
            if (first is null || second is null) return;
            for (int i = 0; i < first.Count; i++)
            {
                if (!first[i].AsSpan().SequenceEqual(second[i]))
                {
                    Warn("step.determinism", $"the same seed and actions gave a different trajectory at step {i}; runs will not be reproducible.");
                    return;
                }
            }
        }

        private List<float[]>? Trajectory(int steps)
        {
            var obs = NewObs();
            var action = new float[_actSpace.FlatSize];
            var terms = new float[_terms];
            var info = new float[_info];
            var rng = new Rng(seed + 12345);
            var rows = new List<float[]>(steps);
            try
            {
                env.Reset(obs.Row(0), seed);
                for (int t = 0; t < steps; t++)
                {
                    if (!Sample(rng, action)) return null;
                    var r = env.Step(action, obs.Row(0), terms, info);
                    rows.Add([.. Flat(obs), r.Reward, r.Terminated ? 1 : 0, r.Truncated ? 1 : 0]);
                    if (r.Terminated || r.Truncated) env.Reset(obs.Row(0));
                }
            }
            catch (Exception)
            {
                return null; // already reported by the step checks
            }
            return rows;
        }

        private void CheckInvalidActions()
        {
            int n = _actSpace.FlatSize;
            var cases = new List<(string what, float[] action)> { ("a NaN action", NaNs(n)) };
            if (_actSpace is Box)
            {
                var inf = new float[n];
                inf[0] = float.PositiveInfinity;
                cases.Add(("an infinite action", inf));
            }
            else if (_actSpace is Discrete d)
            {
                cases.Add(($"out-of-range index {d.N}", [d.N]));
                cases.Add(("index -1", [-1f]));
                cases.Add(("non-integer index 0.5", [0.5f]));
            }
            cases.Add(($"an action of length {n + 1} (expected {n})", new float[n + 1]));

            var obs = NewObs();
            var terms = new float[_terms];
            var info = new float[_info];
            foreach (var (what, action) in cases)
            {
                try
                {
                    env.Reset(obs.Row(0), seed);
                }
                catch (Exception e)
                {
                    Error("invalid_action", $"Reset before trying {what} threw {Describe(e)}");
                    return;
                }
                try
                {
                    env.Step(action, obs.Row(0), terms, info);
                    Error("invalid_action", $"{what} {Fmt(action)} was accepted silently; Step must throw InvalidActionException.");
                }
                catch (InvalidActionException)
                {
                }
                catch (Exception e)
                {
                    Error("invalid_action", $"{what} threw {Describe(e)} instead of InvalidActionException.");
                }
            }
        }
    }
}
