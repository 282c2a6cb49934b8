using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ControlRL.Cli.Hosting;
using ControlRL.Core.Checking;
using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;

namespace ControlRL.Cli.Commands;

/// <summary><c>controlrl envs list|describe</c>: what the env registry holds.</summary>
public static class EnvsCommand
{
    public static Command Create(CliServices services)
    {
        var list = new Command("list", "Table of every registered env id with its observation and action sizes.");
        list.SetAction(_ => CommandRunner.Run(services, _ =>
        {
            var envs = services.Envs();
            services.Out.Write(FormatTable(envs.Ids.Select(envs.Describe).ToArray()));
            return ExitCodes.Ok;
        }));

        var id = new Argument<string>("id") { Description = "Env id, e.g. HalfCheetah-v5." };
        var json = new Option<bool>("--json") { Description = "Print the spec as one JSON document on stdout." };
        var describe = new Command("describe", "Spaces, dt, frame skip, episode step limit and reward term names of one env.") { id, json };
        describe.SetAction(parse => CommandRunner.Run(services, _ =>
        {
            var envs = services.Envs();
            string envId = parse.GetValue(id)!;
            CommandRunner.RequireEnv(envs, envId);
            var spec = envs.Describe(envId);
            services.Out.WriteLine(parse.GetValue(json) ? ToJson(spec) : ToText(spec));
            return ExitCodes.Ok;
        }));

        var checkId = new Argument<string>("id") { Description = "Env id to validate." };
        var checkSteps = new Option<int>("--steps") { Description = "Random-action steps to take.", DefaultValueFactory = _ => 200 }
            .WholeNumber(1, 10_000_000);
        var check = new Command("check", "Validate an env like Stable-Baselines3's check_env: spaces, seeding, reward terms, NaN actions, resets.") { checkId, checkSteps };
        check.SetAction(parse => CommandRunner.Run(services, _ =>
        {
            var envs = services.Envs();
            string envId = parse.GetValue(checkId)!;
            CommandRunner.RequireEnv(envs, envId);
            using var env = envs.Make(envId);
            var findings = EnvChecker.Inspect(env, parse.GetValue(checkSteps));
            foreach (var f in findings) services.Out.WriteLine(f.ToString());
            int errors = findings.Count(f => f.Severity == CheckSeverity.Error);
            services.Out.WriteLine(errors == 0 ? $"{envId}: passed ({findings.Count} warning(s))" : $"{envId}: {errors} error(s)");
            return errors == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        }));

        return new Command("envs", "List, describe and check the registered environments.") { list, describe, check };
    }

    public static string FormatTable(IReadOnlyList<EnvSpec> specs)
    {
        var rows = new List<string[]> { new[] { "ID", "OBS", "ACTION", "DT", "MAX STEPS" } };
        foreach (var s in specs)
        {
            rows.Add([
                s.Id,
                s.ObservationSpace.FlatSize.ToString(CultureInfo.InvariantCulture),
                s.ActionSpace is Discrete d ? $"discrete {d.N}" : s.ActionSpace.FlatSize.ToString(CultureInfo.InvariantCulture),
                s.Dt.ToString("0.####", CultureInfo.InvariantCulture),
                s.MaxEpisodeSteps > 0 ? s.MaxEpisodeSteps.ToString(CultureInfo.InvariantCulture) : "-",
            ]);
        }
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var r in rows)
            sb.Append(string.Join("  ", r.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd()).Append('\n');
        if (specs.Count == 0) sb.Append("(no envs registered)\n");
        return sb.ToString();
    }

    public static string ToText(EnvSpec s)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"id:                {s.Id}\n");
        sb.Append(CultureInfo.InvariantCulture, $"observation space: {s.ObservationSpace.Describe()}  ({s.ObservationSpace.FlatSize} values)\n");
        sb.Append(CultureInfo.InvariantCulture, $"action space:      {s.ActionSpace.Describe()}  ({s.ActionSpace.FlatSize} values)\n");
        sb.Append(CultureInfo.InvariantCulture, $"dt:                {s.Dt:0.######} s\n");
        sb.Append(CultureInfo.InvariantCulture, $"frame skip:        {s.FrameSkip}\n");
        sb.Append(CultureInfo.InvariantCulture, $"max episode steps: {(s.MaxEpisodeSteps > 0 ? s.MaxEpisodeSteps : "none")}\n");
        sb.Append(CultureInfo.InvariantCulture, $"reward terms:      {string.Join(", ", s.RewardTerms)}");
        if (s.Info.Count > 0)
            sb.Append(CultureInfo.InvariantCulture, $"\ninfo:              {string.Join(", ", s.Info.Select(i => $"{i.Name} ({i.Aggregation.ToString().ToLowerInvariant()} per episode)"))}");
        if (s.Events.Count > 0)
            sb.Append(CultureInfo.InvariantCulture, $"\nevents:            {string.Join(", ", s.Events)}");
        if (s.Notes.Length > 0) sb.Append(CultureInfo.InvariantCulture, $"\nnotes:             {s.Notes}");
        return sb.ToString();
    }

    /// <summary>
    /// JSON form of a spec. Box bounds are numbers, infinite ones the strings "inf"/"-inf" (JSON has no infinity).
    /// </summary>
    public static string ToJson(EnvSpec s)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("id", s.Id);
            w.WritePropertyName("observation_space");
            WriteSpace(w, s.ObservationSpace);
            w.WritePropertyName("action_space");
            WriteSpace(w, s.ActionSpace);
            w.WriteNumber("dt", s.Dt);
            w.WriteNumber("frame_skip", s.FrameSkip);
            w.WriteNumber("max_episode_steps", s.MaxEpisodeSteps);
            w.WriteStartArray("reward_terms");
            foreach (var t in s.RewardTerms) w.WriteStringValue(t);
            w.WriteEndArray();
            w.WriteStartArray("info");
            foreach (var info in s.Info)
            {
                w.WriteStartObject();
                w.WriteString("name", info.Name);
                w.WriteString("aggregation", info.Aggregation.ToString().ToLowerInvariant());
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("notes", s.Notes);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteSpace(Utf8JsonWriter w, Space space)
    {
        w.WriteStartObject();
        w.WriteString("description", space.Describe());
        w.WriteNumber("size", space.FlatSize);
        switch (space)
        {
            case Box b:
                w.WriteString("type", "box");
                w.WriteString("dtype", b.DType.Name());
                w.WriteStartArray("shape");
                foreach (int d in b.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                // Images have tens of thousands of identical bounds: one number then.
                if (b.FlatSize > 1024 && b.Low.All(x => x == b.Low[0]) && b.High.All(x => x == b.High[0]))
                {
                    WriteBounds(w, "low", [b.Low[0]]);
                    WriteBounds(w, "high", [b.High[0]]);
                    w.WriteBoolean("uniform_bounds", true);
                }
                else
                {
                    WriteBounds(w, "low", b.Low);
                    WriteBounds(w, "high", b.High);
                }
                break;
            case Discrete d:
                w.WriteString("type", "discrete");
                w.WriteNumber("n", d.N);
                break;
            case MultiDiscrete md:
                w.WriteString("type", "multi_discrete");
                w.WriteStartArray("nvec");
                foreach (int n in md.Nvec) w.WriteNumberValue(n);
                w.WriteEndArray();
                break;
            case Dict dict:
                w.WriteString("type", "dict");
                w.WritePropertyName("spaces");
                w.WriteStartObject();
                foreach (var (key, sub) in dict.Entries)
                {
                    w.WritePropertyName(key);
                    WriteSpace(w, sub);
                }
                w.WriteEndObject();
                break;
            default:
                w.WriteString("type", space.GetType().Name.ToLowerInvariant());
                break;
        }
        w.WriteEndObject();
    }

    private static void WriteBounds(Utf8JsonWriter w, string name, float[] values)
    {
        w.WriteStartArray(name);
        foreach (float v in values)
        {
            if (float.IsPositiveInfinity(v)) w.WriteStringValue("inf");
            else if (float.IsNegativeInfinity(v)) w.WriteStringValue("-inf");
            else w.WriteNumberValue((double)(decimal)v);
        }
        w.WriteEndArray();
    }
}
