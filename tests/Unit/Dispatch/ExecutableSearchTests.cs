using System.IO;
using System.Linq;
using Outpost.Core.Dispatch;
using Outpost.Tests.Support;

namespace Outpost.Tests.Dispatch
{
    /// <summary>PATH and PATHEXT lookup over real temp folders, with Windows' rules given explicitly.</summary>
    public class ExecutableSearchTests
    {
        private static SearchPath WindowsStyle(params string[] folders) => new SearchPath(folders, ".COM;.EXE;.BAT;.CMD".Split(';'));

        [Fact]
        public void A_name_that_already_has_a_PATHEXT_extension_is_found_as_given()
        {
            using var folder = new TempFolder();
            File.WriteAllText(folder.Combine("schtasks.exe"), "");
            var search = WindowsStyle(folder.Path);
            Assert.Equal(new[] { "schtasks.exe" }, search.NamesFor("schtasks.exe"));
            Assert.Equal(new[] { "SCHTASKS.EXE" }, search.NamesFor("SCHTASKS.EXE"));
            Assert.Equal(folder.Combine("schtasks.exe"), search.Find("schtasks.exe"));
        }

        [Fact]
        public void A_name_without_an_extension_gets_each_PATHEXT_extension_in_order()
        {
            using var folder = new TempFolder();
            File.WriteAllText(folder.Combine("tool.cmd"), "");
            File.WriteAllText(folder.Combine("tool.exe"), "");
            var search = WindowsStyle(folder.Path);
            Assert.Equal(new[] { "tool.com", "tool.exe", "tool.bat", "tool.cmd" }, search.NamesFor("tool"));
            Assert.Equal(folder.Combine("tool.exe"), search.Find("tool"));
            // No extension doubled, and a name with another extension is not taken as given.
            Assert.Null(search.Find("tool.exe.exe"));
            Assert.Equal(new[] { "my.tool.com", "my.tool.exe", "my.tool.bat", "my.tool.cmd" }, search.NamesFor("my.tool"));
        }

        [Fact]
        public void Folders_are_searched_in_order_and_FindAll_lists_every_match()
        {
            using var folder = new TempFolder();
            string first = folder.Combine("a"), second = folder.Combine("b");
            Directory.CreateDirectory(first);
            Directory.CreateDirectory(second);
            File.WriteAllText(Path.Combine(second, "python.exe"), "");
            File.WriteAllText(Path.Combine(first, "python.exe"), "");
            var search = WindowsStyle("\"" + first + "\"", "", second);
            Assert.Equal(new[] { Path.Combine(first, "python.exe"), Path.Combine(second, "python.exe") }, search.FindAll("python").ToArray());
        }

        [Fact]
        public void Without_PATHEXT_names_are_used_as_they_are()
        {
            using var folder = new TempFolder();
            File.WriteAllText(folder.Combine("sh"), "");
            var search = new SearchPath(new[] { folder.Path }, new string[0]);
            Assert.Equal(folder.Combine("sh"), search.Find("sh"));
            Assert.Null(search.Find("sh.exe"));
        }
    }
}
