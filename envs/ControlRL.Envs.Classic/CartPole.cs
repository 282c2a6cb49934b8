using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;

namespace ControlRL.Envs.Classic;

/// <summary>
/// CartPole-v1 with Gymnasium's physics: explicit Euler, tau 0.02 s, force +-10 N, termination when |x| > 2.4 or
/// |theta| > 12 degrees, reward 1 per step (the terminating step included, 0 for steps taken after it),
/// 500-step time limit (applied by the registry). State in double, observation as float32.
/// </summary>
public sealed class CartPole : IEnv
{
    public const string Id = "CartPole-v1";

    private const double Gravity = 9.8;
    private const double MassCart = 1.0;
    private const double MassPole = 0.1;
    private const double TotalMass = MassPole + MassCart;
    private const double HalfLength = 0.5;
    private const double PoleMassLength = MassPole * HalfLength;
    private const double ForceMag = 10.0;
    private const double Tau = 0.02;
    private const double XThreshold = 2.4;
    private static readonly double ThetaThreshold = 12 * 2 * Math.PI / 360;

    private readonly Rng _rng = new(0);
    private double _x, _xDot, _theta, _thetaDot;
    private bool _started;
    private bool _terminated;

    public CartPole() => Spec = Describe();

    /// <summary>The spec, without building an env.</summary>
    public static EnvSpec Describe()
    {
        // Observation bounds are twice the termination thresholds so a terminal observation is still inside.
        float[] high = [(float)(XThreshold * 2), float.MaxValue, (float)(ThetaThreshold * 2), float.MaxValue];
        var low = high.Select(h => -h).ToArray();
        return new EnvSpec(Id, new Box(low, high), new Discrete(2), Tau, 1, 500, ["alive"])
        {
            Notes = "Gymnasium CartPole-v1 physics (euler). Initial state uniform in (-0.05, 0.05) from ControlRL's "
                + "xoshiro256** generator, so seeds give different (equally distributed) starts than NumPy's.",
        };
    }

    public EnvSpec Spec { get; }

    /// <summary>The physical state (x, x_dot, theta, theta_dot).</summary>
    public (double X, double XDot, double Theta, double ThetaDot) State => (_x, _xDot, _theta, _thetaDot);

    /// <summary>Sets the physical state (tests and demonstrations).</summary>
    public void SetState(double x, double xDot, double theta, double thetaDot)
    {
        (_x, _xDot, _theta, _thetaDot) = (x, xDot, theta, thetaDot);
        _started = true;
        _terminated = false;
    }

    public void Reset(ObsRow row, ulong? seed = null)
    {
        Span<float> observation = row.Float();
        if (seed is { } s) _rng.Seed(s);
        _x = _rng.Uniform(-0.05, 0.05);
        _xDot = _rng.Uniform(-0.05, 0.05);
        _theta = _rng.Uniform(-0.05, 0.05);
        _thetaDot = _rng.Uniform(-0.05, 0.05);
        _started = true;
        _terminated = false;
        Write(observation);
    }

    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow row, Span<float> rewardTerms, Span<float> info = default)
    {
        Span<float> observation = row.Float();
        if (action.Length != 1)
            throw new InvalidActionException($"{Id}: action must hold 1 value (0 = push left, 1 = push right), got {action.Length}.");
        float a = action[0];
        if (a != 0f && a != 1f)
            throw new InvalidActionException($"{Id}: action must be 0 or 1 (Discrete(2)), got {a}.");
        if (!_started) throw new InvalidOperationException($"{Id}: call Reset before Step.");

        double force = a == 1f ? ForceMag : -ForceMag;
        double cos = Math.Cos(_theta);
        double sin = Math.Sin(_theta);
        // Florian (2007), "Correct equations for the dynamics of the cart-pole system", as in Gymnasium.
        double temp = (force + PoleMassLength * _thetaDot * _thetaDot * sin) / TotalMass;
        double thetaAcc = (Gravity * sin - cos * temp) / (HalfLength * (4.0 / 3.0 - MassPole * cos * cos / TotalMass));
        double xAcc = temp - PoleMassLength * thetaAcc * cos / TotalMass;

        _x += Tau * _xDot;
        _xDot += Tau * xAcc;
        _theta += Tau * _thetaDot;
        _thetaDot += Tau * thetaAcc;

        bool terminated = _x < -XThreshold || _x > XThreshold || _theta < -ThetaThreshold || _theta > ThetaThreshold;
        // Gymnasium: 1 for a non-terminal step and for the first terminating one; 0 when stepped on past termination.
        float reward = 1f;
        if (terminated)
        {
            if (_terminated) reward = 0f;
            _terminated = true;
        }
        Write(observation);
        rewardTerms[0] = reward;
        return new StepOutcome(reward, terminated, false);
    }

    private void Write(Span<float> observation)
    {
        observation[0] = (float)_x;
        observation[1] = (float)_xDot;
        observation[2] = (float)_theta;
        observation[3] = (float)_thetaDot;
    }

    public void Dispose() { }
}
