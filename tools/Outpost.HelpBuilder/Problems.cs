namespace Outpost.HelpBuilder;

/// <summary>What is wrong with the pages, as <c>file:line: message</c>, so an editor can jump to it.</summary>
public sealed class Problems
{
    private readonly List<(string File, int Line, string Message)> _messages = new();

    /// <summary>By file, then by line, in the order they were found.</summary>
    public IReadOnlyList<string> Messages => _messages
        .Select((m, i) => (m, i))
        .OrderBy(x => x.m.File, StringComparer.Ordinal).ThenBy(x => x.m.Line).ThenBy(x => x.i)
        .Select(x => $"{x.m.File}:{x.m.Line}: {x.m.Message}").ToList();

    public bool Any => _messages.Count > 0;

    public void Add(string file, int line, string message) => _messages.Add((file, Math.Max(line, 1), message));

    /// <summary>A view for one page: every problem it reports names that page.</summary>
    public PageProblems For(string file) => new(this, file);
}

public sealed class PageProblems
{
    private readonly Problems _all;
    private int _count;

    public PageProblems(Problems all, string file)
    {
        _all = all;
        File = file;
    }

    public string File { get; }

    public bool Any => _count > 0;

    /// <param name="line">1-based line in the page.</param>
    public void Add(int line, string message)
    {
        _count++;
        _all.Add(File, line, message);
    }
}
