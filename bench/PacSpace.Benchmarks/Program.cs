// Benchmarks, one command each (see docs/benchmarks.md):
//
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- activation [--runs 5] [--registrations 100] [--database "Host=…"]
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- whoami [--runs 5] [--seconds 10] [--connections 16]
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- ingest [--runs 5] [--seconds 4] [--connections 64] [--batch-connections 16] [--rate 15000] [--light-rate 1000] [--store both|sqlite|postgres] [--database "Host=…"]
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- verified [--runs 5] [--seconds 5] [--rate 1000] [--store both|sqlite|postgres] [--database "Host=…"]
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- webhooks [--runs 5] [--seconds 8] [--saturation-seconds 4] [--connections 64] [--burst 10000] [--store both|sqlite|postgres] [--database "Host=…"]
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- derive [--runs 5] [--deltas 1000000] [--requests 200] [--store both|sqlite|postgres] [--database "Host=…"]
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- one-origin [--runs 5] [--seconds 4] [--connections 64] [--store both|sqlite|postgres] [--database "Host=…"]
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- pages [--customers 100000] [--deltas 1000000] [--requests 100] [--store both|sqlite|postgres] [--database "Host=…"]
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- verify-offline [--runs 5] [--entries 1000000] [--iterations 20000]
//
// Without a scenario name the activation benchmark runs (its original command line).
using PacSpace.Benchmarks;

return args.FirstOrDefault() switch
{
    "whoami" => await WhoAmIBenchmark.RunAsync(args[1..]),
    "ingest" => await IngestBenchmark.RunAsync(args[1..]),
    "verified" => await VerifiedBenchmark.RunAsync(args[1..]),
    "webhooks" => await WebhookBenchmark.RunAsync(args[1..]),
    "webhook-receiver" => await WebhookReceiver.RunAsync(args[1..]),
    "derive" => await DeriveBenchmark.RunAsync(args[1..]),
    "one-origin" => await OneOriginBenchmark.RunAsync(args[1..]),
    "one-origin-proxy" => await OneOriginBenchmark.ProxyAsync(args[1..]),
    "pages" => await PagesBenchmark.RunAsync(args[1..]),
    "verify-offline" => await VerifyOfflineBenchmark.RunAsync(args[1..]),
    "load" => await LoadClient.RunAsync(args[1..]),
    "delta-load" => await DeltaLoadClient.RunAsync(args[1..]),
    "activation" => await ActivationBenchmark.RunAsync(args[1..]),
    _ => await ActivationBenchmark.RunAsync(args),
};
