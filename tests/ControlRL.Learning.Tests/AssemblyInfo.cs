// TorchSharp's RNG (torch.manual_seed) and thread settings are process-wide: tests that seed it and build networks
// must not interleave, or "same seed, same parameters" checks become flaky.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
