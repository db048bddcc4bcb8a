// Records one usage delta, waits until the signed log covers it, and prints the customer's verified balance.
//
//   PACSPACE_API_KEY=pk_test_….sk_test_… dotnet run --project samples/QuickStart
//
// The key's prefix picks the endpoint (pk_test_ → Sandbox on :5081, pk_live_ → Production on :5082 of `pacspace up`).
using PacSpace.Samples;
using PacSpace.Sdk;

var key = args.FirstOrDefault() ?? Environment.GetEnvironmentVariable("PACSPACE_API_KEY");
if (string.IsNullOrWhiteSpace(key))
{
    Console.Error.WriteLine("Set PACSPACE_API_KEY to an API key (create one in the dashboard or with `pacspace keys create --name sample`).");
    return 2;
}

using var client = new PacSpaceClient(key);
return await QuickStart.RunAsync(client, Console.Out);
