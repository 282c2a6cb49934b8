namespace ControlRL.Envs.MuJoCo.Tasks;

/// <summary>Deviations from Gymnasium v5 shared by every task (reported in each spec's notes).</summary>
internal static class TaskNotes
{
    public const string Common =
        "Gymnasium v5 defaults. Deviations: observations are float32 (Gymnasium: float64); simulated with " +
        "MuJoCo 2.2.2 (Gymnasium v5 asks for >= 2.3.3), so trajectories agree in model and formulas but not " +
        "bit for bit; a diverged simulation throws SimulatorException instead of continuing from MuJoCo's " +
        "automatic reset; reward terms carry their sign (costs are negative) so they sum to the reward.";
}
