using ControlRL.Core.Random;
using ControlRL.Envs.MuJoCo.Rendering;

namespace ControlRL.Envs.MuJoCo.Tasks;

/// <summary>
/// InvertedPendulum-v5: keep a pole upright on a cart. Observation (4) = qpos (cart x, pole angle) ++ qvel.
/// Reward: alive = 1 per step, 0 on the step that terminates (v5). Terminates when the state is non-finite or
/// |angle| &gt; 0.2. Action: one force in [-3, 3]. Reset: qpos0 + U(+-0.01), qvel U(+-0.01).
/// </summary>
public sealed class InvertedPendulumEnv : MuJoCoEnv
{
    public const string EnvId = "InvertedPendulum-v5";
    public const int ObservationSize = 4;
    public const double AngleLimit = 0.2;
    public const double ResetNoiseScale = 0.01;
    public static readonly IReadOnlyList<string> RewardTermNames = ["alive"];

    public InvertedPendulumEnv()
        : base(EnvId, "inverted_pendulum.xml", frameSkip: 2, ObservationSize, RewardTermNames, TaskNotes.Common)
    {
        RequireModel(nq: 2, nv: 2, nu: 1, nbody: 3);
    }

    protected override void ResetModel(Rng rng, Span<double> qpos, Span<double> qvel)
    {
        ReadOnlySpan<double> q0 = InitQpos, v0 = InitQvel;
        for (int i = 0; i < qpos.Length; i++) qpos[i] = q0[i] + rng.Uniform(-ResetNoiseScale, ResetNoiseScale);
        for (int i = 0; i < qvel.Length; i++) qvel[i] = v0[i] + rng.Uniform(-ResetNoiseScale, ResetNoiseScale);
    }

    protected override (double Reward, bool Terminated) AfterSimulation(
        ReadOnlySpan<float> action, Span<float> observation, Span<float> rewardTerms)
    {
        // Judged on the float64 state, as Gymnasium judges its float64 observation.
        bool terminated = !AllFinite(Data.Qpos) || !AllFinite(Data.Qvel) || Math.Abs(Data.Qpos[1]) > AngleLimit;
        double alive = terminated ? 0.0 : 1.0;
        WriteObservation(observation);
        rewardTerms[0] = (float)alive;
        return (alive, terminated);
    }

    protected override void WriteObservation(Span<float> observation)
    {
        int n = Copy(Data.Qpos, observation);
        Copy(Data.Qvel, observation[n..]);
    }

    /// <summary>DEFAULT_CAMERA_CONFIG of gymnasium/envs/mujoco/inverted_pendulum_v5.py (used by the free camera).</summary>
    public static readonly MuJoCoCameraConfig GymnasiumCameraConfig = new() { TrackBodyId = 0, Distance = 2.04 };

    public override MuJoCoCameraConfig DefaultCameraConfig => GymnasiumCameraConfig;
}
