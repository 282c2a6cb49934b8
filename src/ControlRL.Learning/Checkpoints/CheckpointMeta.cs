using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ControlRL.Learning.Algorithms;

namespace ControlRL.Learning.Checkpoints;

/// <summary>
/// meta.json of a checkpoint directory: what was trained, how far, and checksums of the other files so a
/// checkpoint cut short or altered is refused with a clear message instead of loading garbage.
/// </summary>
public sealed class CheckpointMeta
{
    public const int CurrentFormat = 1;

    public int Format { get; set; } = CurrentFormat;
    /// <summary>The registered algorithm (<see cref="AlgorithmRegistry"/>) whose config type <see cref="Config"/> has.</summary>
    public string Algorithm { get; set; } = AlgorithmRegistry.Default;
    public string EnvId { get; set; } = "";

    /// <summary><c>gaussian</c>, <c>categorical</c> (MLP actor-critics), <c>encoded</c> (per-key encoder + head) or <c>carl</c> (CaRL's network).</summary>
    public string PolicyKind { get; set; } = "";

    /// <summary>For <c>encoded</c> and <c>carl</c> policies: the <see cref="Models.Policies.PolicyDescription"/> JSON that rebuilds the module.</summary>
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

    /// <summary>
    /// The run's config, of its algorithm's own type. Written and read by <see cref="ToJson"/> / <see cref="FromJson"/>
    /// (as the <c>config</c> member), since its type depends on <see cref="Algorithm"/>.
    /// </summary>
    [JsonIgnore]
    public AlgorithmConfig Config { get; set; } = null!;

    /// <summary>File name -> lowercase hex SHA-256.</summary>
    public Dictionary<string, string> Sha256 { get; set; } = new();

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>meta.json text; the config is serialized with its runtime type so every algorithm's keys are kept.</summary>
    public string ToJson()
    {
        if (Config is null) throw new InvalidOperationException("CheckpointMeta.Config is not set.");
        if (Config.Algo != Algorithm)
            throw new InvalidOperationException($"CheckpointMeta: algorithm '{Algorithm}' but a config of '{Config.Algo}'.");
        var node = JsonSerializer.SerializeToNode(this, Json)!.AsObject();
        node["config"] = JsonSerializer.SerializeToNode(Config, Config.GetType(), Json);
        return node.ToJsonString(Json);
    }

    /// <summary>
    /// Parses meta.json: the algorithm named in it (default ppo, as format-1 checkpoints that predate the field)
    /// selects the config type in <see cref="AlgorithmRegistry"/>. Throws <see cref="InvalidDataException"/> for
    /// malformed JSON, a missing config or an algorithm this build does not know.
    /// </summary>
    /// <param name="source">Names the file in error messages.</param>
    public static CheckpointMeta FromJson(string text, string source)
    {
        try
        {
            var meta = JsonSerializer.Deserialize<CheckpointMeta>(text, Json)
                ?? throw new InvalidDataException($"{source} is empty.");
            var info = AlgorithmRegistry.Find(meta.Algorithm)
                ?? throw new InvalidDataException($"{source} was written by algorithm '{meta.Algorithm}', which this build does not know (known: {string.Join(", ", AlgorithmRegistry.Names)}).");
            var config = JsonNode.Parse(text)?["config"]
                ?? throw new InvalidDataException($"{source} has no config.");
            meta.Config = (AlgorithmConfig?)config.Deserialize(info.ConfigType, Json)
                ?? throw new InvalidDataException($"{source} has an empty config.");
            return meta;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not valid ({e.Message}).", e);
        }
    }
}
