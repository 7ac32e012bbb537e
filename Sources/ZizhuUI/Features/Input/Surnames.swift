// SPDX-License-Identifier: Apache-2.0
/// 姓氏优先: where a person's name is written, the first character a citizen picks is
/// almost always a surname, so the candidates that begin with one come first (谢 before
/// 写 for "xie", 曾 before 增 for "zeng"); the engine's order is kept otherwise.
///
/// ```swift
/// Surnames.first(["写", "些", "谢", "鞋"])   // ["谢", "写", "些", "鞋"]
/// ```
public enum Surnames {
    /// The hundred most common surnames of mainland China in order (公安部户政管理研究中心
    /// 《2020年全国姓名报告》), then other common ones and the common compound surnames.
    static let common: [String] = {
        let hundred = """
            王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩邓冯曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范\
            汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤
            """
        let others = "康易乔赖文洪樊兰殷施齐牛温庞邢安庄聂岳翟章鲁倪季申单葛柳甘祝包宁尚符舒阮柯纪梅童凌毕霍涂盛卓鲍左耿詹关"
        let compound = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒", "夏侯", "端木", "长孙"]
        var seen = Set<String>()
        return (compound + (hundred + others).map(String.init)).filter { seen.insert($0).inserted }
    }()

    private static let set = Set(common)

    /// Whether the text begins with a surname (a compound one counts whole).
    public static func beginsWithSurname(_ text: String) -> Bool {
        set.contains(String(text.prefix(2))) || set.contains(String(text.prefix(1)))
    }

    /// The candidates that begin with a surname first, each group in the order given.
    public static func first<Candidate>(_ candidates: [Candidate], text: (Candidate) -> String) -> [Candidate] {
        let surnames = candidates.filter { beginsWithSurname(text($0)) }
        let rest = candidates.filter { !beginsWithSurname(text($0)) }
        return surnames + rest
    }

    public static func first(_ candidates: [String]) -> [String] { first(candidates) { $0 } }
}
