using ControlRL.Core.Envs;
using ControlRL.Core.Rewards;
using ControlRL.Core.Spaces;
using ControlRL.Envs.Driving.Env;
using ControlRL.Envs.Driving.Infractions;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;

namespace ControlRL.Envs.Driving.Tests.Rewards;

/// <summary>
/// A registered driving env (its <see cref="DrivingEnv"/> and reward) on a hand-made route, judged by the id's
/// training rules, so tests can pose the world (<see cref="DrivingWorld"/>'s test hooks) and read terms and info by name.
/// </summary>
internal sealed class RewardRig : IDisposable
{
    private readonly float[] _action = new float[2];

    public RewardRig(string envId, Route route, WorldOptions? world = null, TerminationRules? rules = null, DrivingEnvOptions? options = null)
    {
        var o = options ?? DrivingEnvs.Options(envId);
        Driving = new DrivingEnv(o);
        Env = new InfoRewardWrapper(Driving, DrivingEnvs.Reward(envId));
        Obs = new ObservationBatch(Env.Spec.ObservationSpace, 1);
        Terms = new float[Env.Spec.RewardTerms.Count];
        Info = new float[Env.Spec.Info.Count];
        Driving.Assign(new DrivingScenario("test", -1, route.Town.Name, route, world ?? new WorldOptions(), 1), rules ?? o.Rules);
        Env.Reset(Obs.Row(0));
    }

    public DrivingEnv Driving { get; }
    public InfoRewardWrapper Env { get; }
    public ObservationBatch Obs { get; }
    public float[] Terms { get; }
    public float[] Info { get; }
    public StepOutcome Last { get; private set; }
    public DrivingWorld World => Driving.World!;
    public bool Ended => Last.Terminated || Last.Truncated;

    public float InfoOf(string name) => Info[Env.Spec.RequireInfo(name, "test")];

    public float Term(string name) => Terms[Env.Spec.RequireTerm(name, "test")];

    public EpisodeEnd End => (EpisodeEnd)(int)InfoOf("end_reason");

    /// <summary>One step with a CARLA-convention action (positive steer right).</summary>
    public StepOutcome Step(float steer, float accel)
    {
        _action[0] = steer;
        _action[1] = accel;
        Last = Env.Step(_action, Obs.Row(0), Terms, Info);
        return Last;
    }

    /// <summary>Up to <paramref name="n"/> steps straight ahead holding <paramref name="speed"/> (proportional throttle); stops when the episode ends.</summary>
    public void Cruise(double speed, int n)
    {
        for (int i = 0; i < n && !Ended; i++) Step(0, (float)Math.Clamp((speed - World.Ego.Speed) * 1.5 + 0.06, -1, 1));
    }

    public void Dispose() => Env.Dispose();
}
