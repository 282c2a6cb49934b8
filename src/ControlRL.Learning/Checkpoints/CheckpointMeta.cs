using ControlRL.Learning.Ppo;

namespace ControlRL.Learning.Checkpoints;

/// <summary>
/// meta.json of a checkpoint directory: what was trained, how far, and checksums of the other files so a
/// checkpoint cut short or altered is refused with a clear message instead of loading garbage.
/// </summary>
public sealed class CheckpointMeta
{
    public const int CurrentFormat = 1;

    public int Format { get; set; } = CurrentFormat;
    public string Algorithm { get; set; } = "ppo";
    public string EnvId { get; set; } = "";

    /// <summary><c>gaussian</c>, <c>categorical</c> (MLP actor-critics) or <c>encoded</c> (per-key encoder + head).</summary>
    public string PolicyKind { get; set; } = "";

    /// <summary>For <c>encoded</c> policies: the <see cref="Models.Policies.PolicyDescription"/> JSON that rebuilds the module.</summary>
    public string? PolicyDescription { get; set; }

    /// <summary>The observation space the policy was trained on (Gymnasium-style text), checked when it is loaded.</summary>
    public string? ObservationSpace { get; set; }

    /// <summary>The action space the policy acts in.</summary>
    public string? ActionSpace { get; set; }
    public int ObservationSize { get; set; }

    /// <summary>Action floats for Gaussian policies; number of actions for categorical ones.</summary>
    public int ActionSize { get; set; }
    public long GlobalStep { get; set; }
    public int Update { get; set; }
    public DateTime CreatedUtc { get; set; }
    public PpoConfig Config { get; set; } = new();

    /// <summary>File name -> lowercase hex SHA-256.</summary>
    public Dictionary<string, string> Sha256 { get; set; } = new();
}
