using System.Text.Json;
using System.Text.Json.Serialization;
using ControlRL.Core.Spaces;
using ControlRL.Models.Encoders;

namespace ControlRL.Models.Policies;

/// <summary>
/// What an <see cref="EncodedActorCritic"/> is made of (encoder options, head kind, initial log-std), without the
/// spaces, which the env spec supplies. Stored as JSON beside a checkpoint's weights so the same module can be
/// rebuilt before <c>load_state_dict</c>.
/// </summary>
public sealed record PolicyDescription
{
    /// <summary>Always <c>encoded</c>; kept so a checkpoint's JSON says which policy class it rebuilds.</summary>
    public string Kind { get; init; } = "encoded";

    public EncoderOptions Encoder { get; init; } = new();

    /// <summary>gaussian, squashed_gaussian, beta or categorical; null picks by action space (Discrete: categorical, Box: gaussian).</summary>
    public string? Head { get; init; }

    /// <summary>Initial log-std of Gaussian heads.</summary>
    public double LogStdInit { get; init; }

    public EncodedActorCritic Build(Space observationSpace, Space actionSpace)
    {
        if (Kind != "encoded") throw new ArgumentException($"PolicyDescription kind '{Kind}' is not 'encoded'.");
        return new EncodedActorCritic(observationSpace, actionSpace, this);
    }

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
        d.Encoder.Validate();
        return d;
    }
}
