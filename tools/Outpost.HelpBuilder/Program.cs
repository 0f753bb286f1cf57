using System.Text;
using Outpost.HelpBuilder;

// dotnet Outpost.HelpBuilder.dll <docs/help folder> <module output folder>
//   command pages  <Verb-Noun>.md  -> <out>/en-US/<external help file> (MAML)
//   about topics   about_<Name>.md -> <out>/en-US/about_<Name>.help.txt
//   README*.md (indexes for people) are skipped.
// A page that cannot be converted is reported as "file:line: what is wrong"; nothing is written and the exit code is 1.

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: dotnet Outpost.HelpBuilder.dll <docs/help folder> <module output folder>");
    return 2;
}
string docs = args[0];
string output = Path.Combine(args[1], "en-US");
if (!Directory.Exists(docs))
{
    Console.Error.WriteLine($"{docs}: no such folder");
    return 2;
}

var problems = new Problems();
var commands = new List<CommandPage>();
var abouts = new List<(string Name, string Text)>();
foreach (string file in Directory.GetFiles(docs, "*.md").OrderBy(f => f, StringComparer.Ordinal))
{
    string name = Path.GetFileName(file);
    if (name.StartsWith("README", StringComparison.OrdinalIgnoreCase)) continue;
    // A CRLF checkout (git's core.autocrlf on Windows) must build the same help: lines split on \n only.
    string text = File.ReadAllText(file).Replace("\r\n", "\n");
    var pageProblems = problems.For(file);
    if (name.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
    {
        if (AboutTopic.Render(file, text, pageProblems) is { } about) abouts.Add(about);
    }
    else if (CommandPageParser.Parse(file, text, pageProblems) is { } page)
    {
        if (commands.FirstOrDefault(c => c.Name.Equals(page.Name, StringComparison.OrdinalIgnoreCase)) is { } twin)
            pageProblems.Add(1, $"{page.Name} is also documented by {twin.File}");
        else commands.Add(page);
    }
}

if (problems.Any)
{
    foreach (string message in problems.Messages) Console.Error.WriteLine(message);
    Console.Error.WriteLine($"help not built: {problems.Messages.Count} problem(s)");
    return 1;
}

Directory.CreateDirectory(output);
foreach (var group in commands.GroupBy(c => c.ExternalHelpFile, StringComparer.OrdinalIgnoreCase))
{
    string path = Path.Combine(output, group.Key);
    MamlWriter.Save(MamlWriter.Build(group), path);
    Console.WriteLine($"{path}: {group.Count()} command(s)");
}
foreach (var (name, text) in abouts)
{
    // With a byte-order mark, so Windows PowerShell 5.1 reads it as UTF-8 too.
    string path = Path.Combine(output, name + ".help.txt");
    File.WriteAllText(path, text, new UTF8Encoding(true));
    Console.WriteLine($"{path}: about topic");
}
return 0;
