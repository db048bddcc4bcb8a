// Benchmarks, one command each (see docs/benchmarks.md):
//
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- activation [--runs 5] [--registrations 100] [--database "Host=…"]
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- whoami [--runs 5] [--seconds 10] [--connections 16]
//
// Without a scenario name the activation benchmark runs (its original command line).
using PacSpace.Benchmarks;

return args.FirstOrDefault() switch
{
    "whoami" => await WhoAmIBenchmark.RunAsync(args[1..]),
    "load" => await LoadClient.RunAsync(args[1..]),
    "activation" => await ActivationBenchmark.RunAsync(args[1..]),
    _ => await ActivationBenchmark.RunAsync(args),
};
