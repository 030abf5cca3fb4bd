// Typst composing PAGES pages comparable to fukan's ① voucher: an address block, a name in
// large type, a table of check-up results, the fixed text of the form, in BIZ UD Gothic and
// Mincho; one page per person with varying data. Writes the PDF to OUT.
//   node voucher.js PAGES OUT FONTDIR...
const { NodeCompiler } = require("@myriaddreamin/typst-ts-node-compiler");
const fs = require("fs");

const [pages, out, ...fontDirs] = process.argv.slice(2);
const families = ["新宿", "𠮷田", "髙橋", "山﨑", "佐藤", "鈴木", "渡邊", "齋藤", "長谷川"];
const givens = ["太郎", "花子", "一郎", "美咲", "健太", "陽菜", "翔", "結衣"];
const towns = ["西新宿2丁目", "歌舞伎町1丁目", "高田馬場3丁目", "四谷4丁目", "大久保2丁目"];

function page(i) {
  const name = `${families[i % families.length]} ${givens[i % givens.length]}`;
  const addr = `東京都新宿区${towns[i % towns.length]}${(i % 30) + 1}番${(i % 9) + 1}号`;
  const rows = [["身長", `${150 + (i % 40)}.0 cm`], ["体重", `${50 + (i % 45)}.5 kg`],
                ["腹囲", `${70 + (i % 30)}.0 cm`], ["BMI", `${18 + (i % 15)}.2`],
                ["収縮期血圧", `${110 + (i % 50)} mmHg`], ["拡張期血圧", `${70 + (i % 30)} mmHg`],
                ["中性脂肪", `${80 + (i % 200)} mg/dl`], ["HDLコレステロール", `${40 + (i % 40)} mg/dl`],
                ["HbA1c", `${5 + (i % 3)}.${i % 10} %`]];
  const cells = rows.map(([k, v]) => `[${k}], [${v}]`).join(", ");
  return `
#place(top + left, dx: 15mm, dy: 12mm)[#text(size: 9pt)[〒160-${String(i % 10000).padStart(4, "0")}] \\ #text(size: 10pt)[${addr}] \\ #text(size: 14pt, font: "BIZ UDMincho")[${name} 様]]
#v(55mm)
#align(center)[#text(size: 16pt, weight: "bold")[特定保健指導利用券]]
#text(size: 9pt)[利用券番号 ${String(20250000000 + i)}　　有効期限 令和8年3月31日　　交付年月日 令和7年7月1日]
#table(columns: (45mm, 35mm), ${cells})
#text(size: 8pt)[この利用券は、特定保健指導を受ける際に保険証とともに実施機関へ提出してください。特定保健指導の費用は無料です。ご不明な点は区の健康部へお問い合わせください。]
#pagebreak(weak: true)`;
}

let doc = `#set page(paper: "a4", margin: 15mm)\n#set text(font: "BIZ UDGothic", lang: "ja")\n`;
for (let i = 0; i < Number(pages); i++) doc += page(i);
const compiler = NodeCompiler.create({ fontArgs: [{ fontPaths: fontDirs }] });
const pdf = compiler.pdf({ mainFileContent: doc });
fs.writeFileSync(out, pdf);
