using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;

namespace ControlRL.Core.Tests;

/// <summary>
/// Small deterministic env: obs = [steps taken, a random draw], action Box(1) in [-1, 1], reward = a + b with
/// terms a = action, b = 0.1 * steps. Terminates after <c>terminateAt</c> steps (0 = never); can be told to throw.
/// </summary>
internal sealed class ToyEnv : IEnv
{
    private readonly Rng _rng = new(0);
    private readonly int _terminateAt;
    private int _steps;

    public ToyEnv(int terminateAt = 0, string id = "Toy-v0")
    {
        _terminateAt = terminateAt;
        Spec = new EnvSpec(id, Box.Uniform(2, -1000f, 1000f), Box.Uniform(1, -1f, 1f), 0.1, 1, 0, ["a", "b"]);
    }

    public EnvSpec Spec { get; }
    public ulong? LastSeed { get; private set; }
    public int Resets { get; private set; }
    public int ThrowAtStep { get; set; } = -1;
    public Func<Exception> ThrowWith { get; set; } = () => new SimulatorException("diverged");
    public float LastAction { get; private set; }
    public bool Disposed { get; private set; }

    public void Reset(ObsRow row, ulong? seed = null)
    {
        Span<float> observation = row.Float();
        if (seed is { } s) _rng.Seed(s);
        LastSeed = seed;
        Resets++;
        _steps = 0;
        observation[0] = 0;
        observation[1] = (float)_rng.NextDouble();
    }

    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow row, Span<float> rewardTerms, Span<float> info = default)
    {
        Span<float> observation = row.Float();
        if (action.Length != 1 || !float.IsFinite(action[0]))
            throw new InvalidActionException($"{Spec.Id}: action must be one finite value, got [{string.Join(", ", action.ToArray())}].");
        _steps++;
        if (_steps == ThrowAtStep) throw ThrowWith();
        LastAction = action[0];
        observation[0] = _steps;
        observation[1] = (float)_rng.NextDouble();
        rewardTerms[0] = action[0];
        rewardTerms[1] = 0.1f * _steps;
        return new StepOutcome(rewardTerms[0] + rewardTerms[1], _terminateAt > 0 && _steps >= _terminateAt, false);
    }

    public void Dispose() => Disposed = true;
}
