using System.CommandLine;
using ControlRL.Cli.Hosting;

namespace ControlRL.Cli.Commands;

/// <summary><c>controlrl train</c>: options only; the work is in <see cref="TrainRunner"/>.</summary>
public static class TrainCommand
{
    /// <summary>Upper bound of --num-envs (train and bench ppo).</summary>
    internal const int MaxEnvs = 65_536;

    public static Command Create(CliServices services)
    {
        var algo = new Option<string?>("--algo") { HelpName = "name", Description = $"Algorithm: {string.Join(", ", ControlRL.Learning.Algorithms.AlgorithmRegistry.Names)}; selects its config keys ('controlrl config keys --algo <name>') and configs/<algo>/<env>.yaml. [default: ppo, or algo from --config / the resumed run]" };
        var env = new Option<string?>("--env", "-e") { HelpName = "id",  Description = "Env id to train on (see 'controlrl envs list'). [default: HalfCheetah-v5, or env_id from --config]" };
        var steps = new Option<long?>("--total-timesteps", "-t") { HelpName = "N",  Description = "Total env steps to train for, summed over sub-envs (overrides the configs): 1000000, 1_000_000 or 1e6." }
            .WholeNumber(1);
        var seed = new Option<ulong?>("--seed", "-s") { HelpName = "N",  Description = "Seed of the run; sub-env i uses seed + i. [default: from the configs, 1]" }
            .WholeNumber(0);
        var numEnvs = new Option<int?>("--num-envs", "-n") { HelpName = "N",  Description = "Parallel sub-envs; one rollout is num_envs x num_steps samples." }
            .WholeNumber(1, MaxEnvs);
        var config = new Option<string?>("--config", "-c") { HelpName = "file.yaml",  Description = "YAML file of config keys (snake_case, see --set) applied over configs/<algo>/<env>.yaml." };
        var set = SharedOptions.Set();
        var resume = new Option<string?>("--resume") { HelpName = "dir",  Description = "Continue training from a run directory (its newest valid checkpoint) or a checkpoint directory, with the settings saved in the checkpoint (flags, --set and --config apply over them). A stand-alone checkpoint starts a new run folder." };
        var runDir = new Option<string>("--run-dir") { HelpName = "dir",  Description = "Parent folder of run directories.", DefaultValueFactory = _ => "runs" };
        var device = SharedOptions.Device();
        var curriculum = new Option<string?>("--curriculum") { HelpName = "teacher", Description = "Curriculum over a parameterized env's tasks (e.g. StumpTracks-v0): random, alp-gmm, covar-gmm or riac. Logs curriculum.csv and plots/curriculum_tasks.png." };
        curriculum.OneOf(ControlRL.Learning.Curricula.TeacherFactory.Names.ToArray());
        var noProgress = new Option<bool>("--no-progress") { Description = "No progress bar; print a plain progress line every few updates instead." };

        var cmd = new Command("train", """
            Train a policy (PPO by default). The algorithm (--algo, or algo: in --config / --set / the resumed checkpoint)
            selects the config keys; they resolve, lowest precedence first: the algorithm's defaults (or, with --resume,
            the checkpoint's saved config) < configs/<algo>/<env>.yaml (not when resuming) < --config < --set < explicit
            flags (--total-timesteps, --seed, --num-envs, --device). Creates runs/<env>__<algo>__<seed>__<time>/ with
            config.yaml, progress.csv, tb/, checkpoints/ (step_N/ and best/), plots/, videos/. Evaluates every eval_every
            steps; SIGINT/SIGTERM write a checkpoint before exiting (a second signal exits at once).
            Every key --set accepts, with its type, default, units and meaning: controlrl config keys [--algo ppo].
            Example: controlrl train --env Hopper-v5 --seed 2 --set learning_rate=1e-4 --set hidden_sizes=[256,256]
            """)
        {
            algo, env, steps, seed, numEnvs, config, set, resume, runDir, device, curriculum, noProgress,
        };
        cmd.SetAction(parse => CommandRunner.Run(services, ct => TrainRunner.Run(services, new TrainArgs
        {
            Algo = parse.GetValue(algo),
            EnvId = parse.GetValue(env),
            TotalTimesteps = parse.GetValue(steps),
            Seed = parse.GetValue(seed),
            NumEnvs = parse.GetValue(numEnvs),
            ConfigFile = parse.GetValue(config),
            Sets = parse.GetValue(set) ?? [],
            Resume = parse.GetValue(resume),
            RunParent = parse.GetValue(runDir) ?? "runs",
            Device = parse.GetValue(device),
            Curriculum = parse.GetValue(curriculum),
            NoProgress = parse.GetValue(noProgress),
        }, ct)));
        return cmd;
    }
}
