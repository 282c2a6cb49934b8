namespace ControlRL.Learning.Algorithms;

/// <summary>
/// What every algorithm's run shares: the env and its pipeline, the run's length and seed, devices and
/// checkpointing. An algorithm's config derives from this and adds its own hyperparameters; YAML keys are the
/// snake_case property names. <see cref="Algo"/> names the algorithm (<see cref="AlgorithmRegistry"/>).
/// </summary>
public abstract class AlgorithmConfig
{
    /// <summary>The registered algorithm name (e.g. <c>ppo</c>); fixed per config type, so it is not settable.</summary>
    public abstract string Algo { get; }

    [ConfigDoc("Env id to train on (see 'controlrl envs list'); also selects configs/<algo>/<env>.yaml.")]
    public string EnvId { get; set; } = "HalfCheetah-v5";
    [ConfigDoc("Env steps to train for, summed over all sub-envs.", Units = "env steps")]
    public long TotalTimesteps { get; set; } = 1_000_000;
    [ConfigDoc("Seed of the run; sub-env i resets with seed + i.")]
    public ulong Seed { get; set; } = 1;

    /// <summary>Parallel sub-envs.</summary>
    [ConfigDoc("Parallel sub-envs; one rollout holds num_envs x num_steps samples.", Units = "envs")]
    public int NumEnvs { get; set; } = 1;

    /// <summary>Vector env: <c>sync</c> (one thread) or <c>threaded</c> (env workers on threads).</summary>
    [ConfigDoc("How the sub-envs are stepped: sync (one thread) or threaded (env workers on threads).")]
    public string VectorEnv { get; set; } = "sync";

    /// <summary>Threads stepping envs for <c>threaded</c>, the calling thread included; 0 means one per core.</summary>
    [ConfigDoc("Threads stepping envs when vector_env is threaded, the calling thread included; 0: one per core.", Units = "threads")]
    public int EnvWorkers { get; set; }

    /// <summary>
    /// The env pipeline, in order, e.g. <c>[frame_skip(k=4), grayscale, resize(size=64), frame_stack(n=4)]</c>
    /// (<see cref="Core.Pipeline.EnvPipeline"/> lists the names). Single-env wrappers wrap each sub-env (inside the
    /// spec's time limit unless a time_limit is listed); clip_action / normalize_observation / normalize_reward listed
    /// here replace the vector stage that the booleans otherwise build.
    /// </summary>
    [ConfigDoc("The env pipeline in order, each \"name\" or \"name(arg=value, ...)\", e.g. [frame_skip(k=4), grayscale, resize(size=64), frame_stack(n=4)]; docs/cli.md lists the wrappers.")]
    public string[] Wrappers { get; set; } = [];

    [ConfigDoc("Normalize observations by their running mean and variance (frozen at the checkpoint's statistics in eval); uint8 images are never normalized.")]
    public bool NormalizeObservation { get; set; } = true;
    [ConfigDoc("Normalized observations are clipped to [-obs_clip, obs_clip].", Units = "standard deviations")]
    public double ObsClip { get; set; } = 10.0;

    /// <summary><c>cpu</c> or <c>cuda</c>.</summary>
    [ConfigDoc("Torch device of the networks: cpu, cuda or cuda:N.")]
    public string Device { get; set; } = "cpu";

    /// <summary>TorchSharp intra-op threads; 0 leaves TorchSharp's default.</summary>
    [ConfigDoc("TorchSharp intra-op threads; 0 leaves TorchSharp's default.", Units = "threads")]
    public int TorchThreads { get; set; } = 1;

    /// <summary>Write a checkpoint every this many updates (and always at the end); 0 only at the end.</summary>
    [ConfigDoc("Write a checkpoint every this many updates (and always at the end); 0: only at the end.", Units = "updates")]
    public int CheckpointEvery { get; set; } = 50;

    /// <summary>Also write a checkpoint when this many minutes passed since the last one; 0 turns the clock off.</summary>
    [ConfigDoc("Also write a checkpoint when this many minutes passed since the last one; 0 turns the clock off.", Units = "minutes")]
    public double CheckpointMinutes { get; set; } = 10;

    /// <summary>Keep the newest this many step checkpoints (the best-by-eval one is kept besides); 0 keeps all.</summary>
    [ConfigDoc("Keep the newest this many step checkpoints (checkpoints/best is kept besides); 0 keeps all.", Units = "checkpoints")]
    public int KeepCheckpoints { get; set; } = 5;

    /// <summary>
    /// Evaluate the policy every this many env steps (and at the end) on a separate env with its own seeds,
    /// deterministically; 0 turns evaluation during training off. RL-Zoo's default eval_freq is 25,000.
    /// </summary>
    [ConfigDoc("Evaluate deterministically on a separate env every this many env steps and at the end; logs eval/*, keeps checkpoints/best; 0 turns it off.", Units = "env steps")]
    public long EvalEvery { get; set; } = 25_000;

    /// <summary>Episodes per evaluation (RL-Zoo's n_eval_episodes: 5). Episode i of every evaluation uses seed + 1,000,000 + i.</summary>
    [ConfigDoc("Episodes per evaluation; episode i of every evaluation resets with seed + 1,000,000 + i.", Units = "episodes")]
    public int EvalEpisodes { get; set; } = 5;

    /// <summary>Stop training once an evaluation's mean return reaches this (Stable-Baselines3's StopTrainingOnRewardThreshold); null never stops.</summary>
    [ConfigDoc("Stop training once an evaluation's mean return reaches this; null never stops.", Units = "episode return")]
    public double? EvalStopReward { get; set; }

    /// <summary>
    /// A driving benchmark suite (a shipped name such as <c>quick</c>, or a suite file) that every evaluation during
    /// training also drives with the current policy, logging its driving score, route completion, infraction penalty and
    /// infractions per km as <c>benchmark/*</c>; null drives none. Only for the built-in driving simulator's envs.
    /// </summary>
    [ConfigDoc("A driving benchmark suite (e.g. quick, or a suite file) that each evaluation during training also drives; logs benchmark/driving_score, route_completion, infraction_penalty and infractions per km; null: none.")]
    public string? EvalBenchmark { get; set; }

    /// <summary>Routes of <see cref="EvalBenchmark"/> driven at once (sub-envs on threads).</summary>
    [ConfigDoc("Routes of eval_benchmark driven at once (sub-envs stepped on threads).", Units = "envs")]
    public int EvalBenchmarkEnvs { get; set; } = 2;

    /// <summary>
    /// Record an evaluation episode to videos/ every this many env steps and at the end (needs an env that renders;
    /// others skip videos with a note); 0 records none. The default gives about four videos per 1M-step run.
    /// </summary>
    [ConfigDoc("Record an evaluation episode to videos/step_N.mp4 every this many env steps and at the end (envs that render; others skip videos with a note); 0: no videos.", Units = "env steps")]
    public long VideoEvery { get; set; } = 250_000;

    /// <summary>Curriculum teacher choosing the task of each episode of a parameterized env: <c>random</c>,
    /// <c>alp-gmm</c>, <c>covar-gmm</c> or <c>riac</c>; null trains on the env's default task.</summary>
    [ConfigDoc("Curriculum teacher choosing the task of each episode of a parameterized env: random, alp-gmm, covar-gmm or riac; null trains on the env's default task.")]
    public string? Curriculum { get; set; }

    /// <summary>Returns mapped to [0, 1] before the teacher uses them (teachDeepRL's walker: [-150, 350]).</summary>
    [ConfigDoc("[low, high]: episode returns are mapped from this range to [0, 1] before the teacher uses them (teachDeepRL's walker: [-150, 350]).", Units = "episode return")]
    public double[] CurriculumReturnRange { get; set; } = [-150, 350];

    /// <summary>The parsed env pipeline of <see cref="Wrappers"/>.</summary>
    public Core.Pipeline.EnvPipeline Pipeline() => new(Wrappers.Select(Core.Pipeline.WrapperSpec.Parse));

    /// <summary>Values computed from the settings (e.g. PPO's batch size), for the header of a written config.</summary>
    public virtual IReadOnlyList<KeyValuePair<string, object>> Derived() => [];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public virtual void Validate()
    {
        Require(!string.IsNullOrWhiteSpace(EnvId), "env_id must be set.");
        Require(TotalTimesteps > 0, $"total_timesteps must be positive (got {TotalTimesteps}).");
        Require(NumEnvs >= 1, $"num_envs must be >= 1 (got {NumEnvs}).");
        Require(VectorEnv is "sync" or "threaded", $"vector_env must be sync or threaded (got '{VectorEnv}').");
        Require(Device is "cpu" or "cuda" || Device.StartsWith("cuda:", StringComparison.Ordinal), $"device must be cpu or cuda (got '{Device}').");
        Require(EnvWorkers >= 0, $"env_workers must be >= 0 (got {EnvWorkers}).");
        Require(TorchThreads >= 0, $"torch_threads must be >= 0 (got {TorchThreads}).");
        Require(CheckpointEvery >= 0, $"checkpoint_every must be >= 0 updates (got {CheckpointEvery}).");
        Require(CheckpointMinutes >= 0 && double.IsFinite(CheckpointMinutes), $"checkpoint_minutes must be >= 0 (got {CheckpointMinutes}).");
        Require(KeepCheckpoints >= 0, $"keep_checkpoints must be >= 0 (got {KeepCheckpoints}; 0 keeps all).");
        Require(EvalEvery >= 0, $"eval_every must be >= 0 steps (got {EvalEvery}; 0 turns evaluation off).");
        Require(EvalEpisodes >= 1, $"eval_episodes must be >= 1 (got {EvalEpisodes}).");
        Require(EvalStopReward is null || double.IsFinite(EvalStopReward.Value), $"eval_stop_reward must be a finite number or null (got {EvalStopReward}).");
        Require(EvalStopReward is null || EvalEvery > 0, "eval_stop_reward needs evaluation during training (eval_every > 0).");
        Require(EvalBenchmarkEnvs >= 1, $"eval_benchmark_envs must be >= 1 (got {EvalBenchmarkEnvs}).");
        Require(EvalBenchmark is null || EvalEvery > 0, "eval_benchmark needs evaluation during training (eval_every > 0).");
        Require(VideoEvery >= 0, $"video_every must be >= 0 steps (got {VideoEvery}).");
        try
        {
            _ = Pipeline();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"wrappers: {e.Message}", e);
        }
        Require(Curriculum is null || Curricula.TeacherFactory.Names.Contains(Curriculum),
            $"curriculum must be one of {string.Join(", ", Curricula.TeacherFactory.Names)} (got '{Curriculum}').");
        Require(CurriculumReturnRange.Length == 2 && CurriculumReturnRange[0] < CurriculumReturnRange[1],
            "curriculum_return_range must be [low, high] with low < high.");
    }

    protected static void Require(bool ok, string msg)
    {
        if (!ok) throw new ArgumentException(msg);
    }
}
