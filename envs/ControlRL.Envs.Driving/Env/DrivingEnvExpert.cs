using ControlRL.Envs.Driving.Expert;
using ControlRL.Envs.Driving.Simulation;

namespace ControlRL.Envs.Driving.Env;

/// <summary>
/// The rule-based expert as a policy of a <see cref="DrivingEnv"/>: it reads the env's world (privileged, as CARLA's
/// autopilots do), restarts with every new episode, and writes its action in the env's convention (CARLA's: positive
/// steer turns right), which is the mirror of the world's.
/// </summary>
public sealed class DrivingEnvExpert
{
    private readonly IDrivingExpert _expert;
    private DrivingWorld? _world;
    private int _episode = -1;

    public DrivingEnvExpert(IDrivingExpert? expert = null) => _expert = expert ?? new RuleBasedExpert();

    /// <summary>Writes [steer, acceleration] for <paramref name="env"/>'s next step.</summary>
    public void Act(DrivingEnv env, Span<float> action)
    {
        ArgumentNullException.ThrowIfNull(env);
        var world = env.World ?? throw new InvalidOperationException("the driving env has no episode yet: reset it first.");
        if (!ReferenceEquals(world, _world) || env.Episode != _episode)
        {
            _expert.Reset(world);
            _world = world;
            _episode = env.Episode;
        }
        _expert.Act(world, action);
        action[0] = DrivingEnv.SteerFromWorld(action[0]);
    }
}
