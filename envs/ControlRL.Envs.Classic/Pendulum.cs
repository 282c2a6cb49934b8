using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;

namespace ControlRL.Envs.Classic;

/// <summary>
/// Pendulum-v1 with Gymnasium's dynamics: torque clipped to [-2, 2], semi-implicit Euler with dt 0.05, speed
/// clipped to [-8, 8], observation (cos theta, sin theta, theta_dot), reward
/// -(angle^2 + 0.1 theta_dot^2 + 0.001 u^2) with the angle normalized to [-pi, pi), never terminates
/// (200-step time limit applied by the registry). The three cost terms are reported separately (negated, so they
/// sum to the reward).
/// </summary>
public sealed class Pendulum : IEnv
{
    public const string Id = "Pendulum-v1";

    private const double MaxSpeed = 8.0;
    private const double MaxTorque = 2.0;
    private const double Dt = 0.05;
    private const double Mass = 1.0;
    private const double Length = 1.0;

    private readonly Rng _rng = new(0);
    private readonly double _g;
    private double _theta, _thetaDot;
    private bool _started;

    public Pendulum(double gravity = 10.0)
    {
        if (!double.IsFinite(gravity)) throw new ArgumentOutOfRangeException(nameof(gravity));
        _g = gravity;
        Spec = Describe();
    }

    /// <summary>The spec, without building an env.</summary>
    public static EnvSpec Describe() =>
        new(Id, new Box([-1f, -1f, -8f], [1f, 1f, 8f]), Box.Uniform(1, -2f, 2f), Dt, 1, 200,
            ["angle_cost", "velocity_cost", "torque_cost"])
        {
            Notes = "Gymnasium Pendulum-v1 dynamics computed in double (Gymnasium mixes float32 action arithmetic in). "
                + "Initial state uniform (theta in [-pi, pi], theta_dot in [-1, 1]) from ControlRL's xoshiro256** generator.",
        };

    public EnvSpec Spec { get; }

    public (double Theta, double ThetaDot) State => (_theta, _thetaDot);

    public void SetState(double theta, double thetaDot)
    {
        (_theta, _thetaDot) = (theta, thetaDot);
        _started = true;
    }

    public void Reset(ObsRow row, ulong? seed = null)
    {
        Span<float> observation = row.Float();
        if (seed is { } s) _rng.Seed(s);
        _theta = _rng.Uniform(-Math.PI, Math.PI);
        _thetaDot = _rng.Uniform(-1.0, 1.0);
        _started = true;
        Write(observation);
    }

    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow row, Span<float> rewardTerms, Span<float> info = default)
    {
        Span<float> observation = row.Float();
        if (action.Length != 1)
            throw new InvalidActionException($"{Id}: action must hold 1 value (torque), got {action.Length}.");
        if (!float.IsFinite(action[0]))
            throw new InvalidActionException($"{Id}: torque must be finite, got {action[0]}.");
        if (!_started) throw new InvalidOperationException($"{Id}: call Reset before Step.");

        double u = Math.Clamp((double)action[0], -MaxTorque, MaxTorque);
        double angle = AngleNormalize(_theta);
        double angleCost = angle * angle;
        double velocityCost = 0.1 * _thetaDot * _thetaDot;
        double torqueCost = 0.001 * u * u;

        double newThetaDot = _thetaDot + (3 * _g / (2 * Length) * Math.Sin(_theta) + 3.0 / (Mass * Length * Length) * u) * Dt;
        newThetaDot = Math.Clamp(newThetaDot, -MaxSpeed, MaxSpeed);
        _theta += newThetaDot * Dt;
        _thetaDot = newThetaDot;

        Write(observation);
        rewardTerms[0] = (float)-angleCost;
        rewardTerms[1] = (float)-velocityCost;
        rewardTerms[2] = (float)-torqueCost;
        return new StepOutcome((float)-(angleCost + velocityCost + torqueCost), false, false);
    }

    /// <summary>Angle in [-pi, pi) like Python's <c>((x + pi) % (2 pi)) - pi</c> (floored modulo).</summary>
    internal static double AngleNormalize(double x)
    {
        double m = (x + Math.PI) % (2 * Math.PI);
        if (m < 0) m += 2 * Math.PI;
        return m - Math.PI;
    }

    private void Write(Span<float> observation)
    {
        observation[0] = (float)Math.Cos(_theta);
        observation[1] = (float)Math.Sin(_theta);
        observation[2] = (float)_thetaDot;
    }

    public void Dispose() { }
}
