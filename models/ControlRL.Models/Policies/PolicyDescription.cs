using System.Text.Json;
using System.Text.Json.Serialization;
using ControlRL.Core.Spaces;
using ControlRL.Models.Encoders;

namespace ControlRL.Models.Policies;

/// <summary>
/// What an <see cref="EncodedActorCritic"/> (kind <c>encoded</c>: encoder options, head kind, initial log-std) or a
/// <see cref="CaRLActorCritic"/> (kind <c>carl</c>: <see cref="Carl"/> sizes) is made of, without the spaces, which
/// the env spec supplies. Stored as JSON beside a checkpoint's weights so the same module can be rebuilt before
/// <c>load_state_dict</c>.
/// </summary>
public sealed record PolicyDescription
{
    /// <summary><c>encoded</c> or <c>carl</c>: which policy class a checkpoint's JSON rebuilds.</summary>
    public string Kind { get; init; } = "encoded";

    public EncoderOptions Encoder { get; init; } = new();

    /// <summary>gaussian, squashed_gaussian, beta or categorical; null picks by action space (Discrete: categorical, Box: gaussian).</summary>
    public string? Head { get; init; }

    /// <summary>Initial log-std of Gaussian heads.</summary>
    public double LogStdInit { get; init; }

    /// <summary>Sizes of a <c>carl</c> policy; null takes CaRL's. Not written for <c>encoded</c> descriptions.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CaRLOptions? Carl { get; init; }

    /// <summary>The known kinds.</summary>
    public static readonly string[] Kinds = ["encoded", "carl"];

    /// <summary>Builds an <c>encoded</c> description's <see cref="EncodedActorCritic"/>.</summary>
    public EncodedActorCritic Build(Space observationSpace, Space actionSpace)
    {
        if (Kind != "encoded") throw new ArgumentException($"PolicyDescription kind '{Kind}' is not 'encoded' (BuildPolicy builds any kind).");
        return new EncodedActorCritic(observationSpace, actionSpace, this);
    }

    /// <summary>Builds the policy of whichever kind this description names.</summary>
    public ActorCritic BuildPolicy(Space observationSpace, Space actionSpace) => Kind switch
    {
        "encoded" => new EncodedActorCritic(observationSpace, actionSpace, this),
        "carl" => new CaRLActorCritic(observationSpace, actionSpace, this),
        _ => throw new ArgumentException($"Unknown policy description kind '{Kind}' (known: {string.Join(", ", Kinds)})."),
    };

    /// <summary>The description a built policy carries, for checkpoints; null for MLP policies.</summary>
    public static PolicyDescription? Of(ActorCritic policy) => policy switch
    {
        EncodedActorCritic e => e.Description,
        CaRLActorCritic c => c.Description,
        _ => null,
    };

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = true,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static PolicyDescription FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var d = JsonSerializer.Deserialize<PolicyDescription>(json, Json)
            ?? throw new InvalidDataException("Policy description JSON is null.");
        if (!Kinds.Contains(d.Kind)) throw new ArgumentException($"Unknown policy description kind '{d.Kind}' (known: {string.Join(", ", Kinds)}).");
        d.Encoder.Validate();
        d.Carl?.Validate();
        return d;
    }
}
