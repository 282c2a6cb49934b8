#!/usr/bin/env bash
# Regenerates the shipped driving towns and suites (envs/ControlRL.Envs.Driving/Data) from DrivingData's
# definitions. Deterministic: on an unchanged generator the files come out byte-identical (git diff stays empty).
# Usage: tools/driving/generate_towns.sh [output folder]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet run tools/driving/regenerate.cs -- "${1:-envs/ControlRL.Envs.Driving/Data}"
