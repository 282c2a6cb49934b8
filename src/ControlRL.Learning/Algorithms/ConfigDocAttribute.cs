namespace ControlRL.Learning.Algorithms;

/// <summary>
/// What a config key means, for <c>controlrl config keys</c> and <c>train --help</c>: every settable property of an
/// <see cref="AlgorithmConfig"/> carries one (a test fails for a key without it). Type and default come from the
/// property itself.
/// </summary>
/// <param name="description">One or two sentences: what the key does and its allowed values.</param>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class ConfigDocAttribute(string description) : Attribute
{
    public string Description { get; } = description;

    /// <summary>Unit of a numeric value ("env steps", "updates", "threads"), or null when it has none.</summary>
    public string? Units { get; init; }
}
