using System.CommandLine;
using ControlRL.Cli.Config;

namespace ControlRL.Cli.Commands;

/// <summary>Options several commands share, built fresh per command (an option belongs to one parent).</summary>
internal static class SharedOptions
{
    public static Option<string[]> Set() => new("--set")
    {
        HelpName = "key=value",
        Description = "Override one config key, key=value (repeatable). Lists: hidden_sizes=[256,256]; null: target_kl=null. " +
                      string.Join(" ", Learning.Algorithms.AlgorithmRegistry.Names.Select(a =>
                          $"Keys of {a}: {string.Join(", ", ConfigKeys.For(a).All)}.")),
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string?> Device()
    {
        var o = new Option<string?>("--device") { HelpName = "cpu|cuda",  Description = "Torch device: cpu or cuda (cuda:N for a given GPU). [default: cpu]" };
        o.Validators.Add(r =>
        {
            string? v = r.GetValueOrDefault<string?>();
            if (v is not null && v != "cpu" && v != "cuda" && !v.StartsWith("cuda:", StringComparison.Ordinal))
                r.AddError($"--device must be cpu, cuda or cuda:N (got '{v}').");
        });
        return o;
    }
}
