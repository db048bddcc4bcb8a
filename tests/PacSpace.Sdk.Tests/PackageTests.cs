using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace PacSpace.Sdk.Tests;

/// <summary><c>dotnet pack</c> of the solution yields the two client packages, each with its README and XML docs, and no warnings.</summary>
public sealed class PackageTests
{
    [Fact]
    public async Task Pack_ProducesSdkAndLedgerPackages_WithReadmeAndXmlDocs_WithoutWarnings()
    {
        var root = RepositoryRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var output = Directory.CreateTempSubdirectory("pacspace-pack-").FullName;
        try
        {
            // --no-build: the test run has built everything; packing only collects it (warnings would fail the run).
            foreach (var project in new[] { "src/PacSpace.Ledger/PacSpace.Ledger.csproj", "src/PacSpace.Sdk/PacSpace.Sdk.csproj" })
            {
                var (code, log) = await RunAsync("dotnet", $"pack {Path.Combine(root, project)} -c {configuration} --no-build -o {output} -warnaserror", root);
                Assert.True(code == 0, log);
                Assert.DoesNotContain("warning", log, StringComparison.OrdinalIgnoreCase);
            }

            foreach (var id in new[] { "PacSpace.Ledger", "PacSpace.Sdk" })
            {
                var package = Assert.Single(Directory.GetFiles(output, $"{id}.*.nupkg"));
                using var zip = ZipFile.OpenRead(package);
                var names = zip.Entries.Select(e => e.FullName).ToList();
                Assert.Contains("README.md", names);
                Assert.Contains($"lib/net10.0/{id}.dll", names);
                Assert.Contains($"lib/net10.0/{id}.xml", names);
                using var nuspec = zip.GetEntry($"{id}.nuspec")!.Open();
                var metadata = XDocument.Load(nuspec).Root!.Elements().First(e => e.Name.LocalName == "metadata");
                Assert.Equal("README.md", metadata.Elements().Single(e => e.Name.LocalName == "readme").Value);
                Assert.False(string.IsNullOrWhiteSpace(metadata.Elements().Single(e => e.Name.LocalName == "description").Value));
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PacSpace.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("PacSpace.slnx not found above the test output.");
    }

    private static async Task<(int Code, string Log)> RunAsync(string file, string arguments, string directory)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
