using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("PacSpace.IntegrationTests.Infrastructure.PostgresCollectionFirst", "PacSpace.IntegrationTests")]

namespace PacSpace.IntegrationTests.Infrastructure;

/// <summary>
/// Starts the PostgreSQL collection first and the others after it in xunit's usual random order. Every class that needs
/// the suite's PostgreSQL server is in that one collection, so its classes run one after another: it is the longest
/// collection by far, and the runner runs only as many collections at once as the machine has cores. Drawn last, it ran
/// on alone for minutes after everything else was done, with the other cores idle.
/// </summary>
public sealed class PostgresCollectionFirst : ITestCollectionOrderer
{
    private readonly DefaultTestCollectionOrderer _random = new();

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        _random.OrderTestCollections(testCollections).OrderBy(c => c.DisplayName == PostgresCollection.Name ? 0 : 1);
}
