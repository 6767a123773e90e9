#!/usr/bin/python3
"""Writes the office corpus: files as district offices make them, each with
NAME.expect saying what importing it must do. Run it from anywhere; it
rewrites the files beside it. The files are committed, so the tests need
neither this script nor openpyxl; it is kept to show how each was made.

NAME.expect, one item a line:
  args ARG...          extra luyuctl import arguments
  ok                   the import must succeed ...
  entry U I YYYYMM AMOUNT NOTE   ... storing exactly these (AMOUNT in fen
                       for money), NOTE is the rest of the line
  empty N              ... and report N empty rows skipped
  refused              the import must be refused (exit 2), nothing stored
  message TEXT         luyuctl's stderr must contain TEXT
"""
import datetime
import io
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, data, expect):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
    with open(os.path.join(HERE, os.path.splitext(name)[0] + ".expect"), "w",
              encoding="utf-8") as f:
        f.write(expect.strip() + "\n")


def csv_files():
    # Excel/WPS "CSV" on Chinese Windows: GB18030, CRLF, Chinese header and
    # names, thousands separators, an empty row, a typed month Excel turned
    # into a date.
    text = ("单位,指标,月份,金额,备注\r\n"
            "万州区,农副产品销售至山东交易额,2019/7/1,\"1,250,000.50\",七月销售\r\n"
            "万州区,建档立卡贫困人口培训,2019/7/1,120,\r\n"
            ",,,,\r\n"
            "开州区,赴山东挂职党政干部,2019年7月,3,\"挂职, 第一批\"\r\n")
    write("gbk-chinese-header.csv", text.encode("gb18030"), """
ok
entry cq-wanzhou agri_sales_to_sd 201907 125000050 七月销售
entry cq-wanzhou poor_trained 201907 120 
entry cq-kaizhou cadres_to_sd 201907 3 挂职, 第一批
empty 1
""")
    # UTF-8 with BOM, English header reordered, capitalised, spaced, with a
    # trailing comma; amounts with surrounding spaces.
    text = ("\ufeff Amount ,UNIT,Indicator, Period ,Note,\n"
            "\" 880000.00 \",cq-wanzhou,sd_investment,2019/8,August,\n"
            "7,cq-kaizhou,poor_moved_to_sd,2019-08,,\n")
    write("utf8-bom-english.csv", text.encode("utf-8"), """
ok
entry cq-wanzhou sd_investment 201908 88000000 August
entry cq-kaizhou poor_moved_to_sd 201908 7 
""")
    # Excel's "Unicode text": UTF-16 LE with BOM, tab separated, synonyms.
    text = ("单位名称\t指标名称\t年月\t数值\t说明\r\n"
            "万州区\t社会帮扶资金\t2019-09-01\t2,000,000\t九月\r\n"
            "开州区\t就业扶贫车间\t201909\t2\t\r\n")
    write("utf16le-unicode-text.txt", b"\xff\xfe" + text.encode("utf-16-le"), """
ok
entry cq-wanzhou social_aid_funds 201909 200000000 九月
entry cq-kaizhou poverty_workshops 201909 2 
""")
    text = ("报送单位,指标,期间,金额（元）,备注\n"
            "cq-wanzhou,社会帮扶资金,2019-10-01 00:00:00,\" 1250000.50 \",十月\n")
    write("utf16be-bom.csv", b"\xfe\xff" + text.encode("utf-16-be"), """
ok
entry cq-wanzhou social_aid_funds 201910 125000050 十月
""")
    # GBK read with --encoding; a month typed as 2019年11月1日.
    text = "单位,指标,月份,金额\n万州区,联席会议,2019年11月1日,1\n"
    write("gbk-forced.csv", text.encode("gbk"), """
args --encoding gbk
ok
entry cq-wanzhou joint_meetings 201911 1 
""")
    # Refusals, each named with line, column and the fix.
    text = ("单位,指标,月份,金额,备注\n"
            "万州,建档立卡贫困人口培训,2019-07,1,\n"
            "万州区,建档立卡贫困人口,2019-07,1,\n"
            "万州区,建档立卡贫困人口培训,2019.7,1,\n"
            "万州区,农副产品销售至山东交易额,2019-07,1.25E+06,\n"
            "万州区,农副产品销售至山东交易额,2019-07,\"1250000,50\",\n"
            "万州区,建档立卡贫困人口培训,7/1/2019,1,\n"
            "万州区,建档立卡贫困人口培训,2019-07,,\n")
    write("refused-values.csv", text.encode("gb18030"), """
refused
message refused-values.csv:2:1: unknown unit (单位) "万州"; did you mean 万州区 (cq-wanzhou)?
message refused-values.csv:3:2: unknown indicator (指标) "建档立卡贫困人口"; did you mean 建档立卡贫困人口培训 (poor_trained)?
message refused-values.csv:4:3: month "2019.7": a month written with a point is ambiguous
message refused-values.csv:5:4: amount "1.25E+06" is in scientific notation
message refused-values.csv:6:4: amount "1250000,50": commas may only separate thousands
message refused-values.csv:7:3: month "7/1/2019": the order of day and month is ambiguous
message refused-values.csv:8:4: amount is empty; write 0
message problems found: 7; nothing was sent to the node
""")
    text = "unit,indicator,period,amount\ncq-wanzhou,poor_trained,2019-07,1\n"
    write("utf16-no-bom.csv", text.encode("utf-16-le"), """
refused
message utf16-no-bom.csv:1:2: the text holds a NUL character
message --encoding utf-16le
""")
    text = "单位,指标,月份,金额,颜色\n万州区,联席会议,2019-07,1,红\n"
    write("refused-header.csv", text.encode("utf-8"), """
refused
message refused-header.csv:1:5: unknown column "颜色"
""")
    write("old-excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, """
refused
message old-excel.xls: an old .xls workbook or a password-protected one
""")


def openpyxl_files():
    import openpyxl
    from openpyxl.styles import numbers
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2019年12月"
    ws.append(["单位", "指标", "计量单位", "月份", "金额", "备注"])
    rows = [("万州区", "农副产品销售至山东交易额", "元", datetime.datetime(2019, 12, 1),
             1250000.5, "十二月"),
            ("开州区", "建档立卡贫困人口培训", "人", datetime.datetime(2019, 12, 1), 45, None),
            (None, None, None, None, None, None),
            ("cq-wanzhou", "sd_firms", "个", "2019-12", 2, "文本月份")]
    for r in rows:
        ws.append(list(r))
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        for c in row:
            if isinstance(c.value, datetime.datetime):
                c.number_format = "yyyy-mm"
    ws["E2"].number_format = "#,##0.00"
    notes = wb.create_sheet("说明")
    notes.append(["金额按计量单位填写"])
    buf = io.BytesIO()
    wb.save(buf)
    write("openpyxl-dates.xlsx", buf.getvalue(), """
ok
entry cq-wanzhou agri_sales_to_sd 201912 125000050 十二月
entry cq-kaizhou poor_trained 201912 45 
entry cq-wanzhou sd_firms 201912 2 文本月份
empty 1
""")
    # The data on a sheet that is not the first: --sheet.
    wb = openpyxl.Workbook()
    wb.active.title = "封面"
    wb.active.append(["万州区 2020年1月 台账"])
    ws = wb.create_sheet("台账")
    ws.append(["unit", "indicator", "period", "amount", "note"])
    ws.append(["cq-wanzhou", "poor_lifted", datetime.datetime(2020, 1, 1), 150, "一月"])
    ws["C2"].number_format = 'yyyy"年"m"月"'
    buf = io.BytesIO()
    wb.save(buf)
    write("openpyxl-second-sheet.xlsx", buf.getvalue(), """
args --sheet 台账
ok
entry cq-wanzhou poor_lifted 202001 150 一月
""")
    data = buf.getvalue()
    # The unit and the month merged down their columns, as offices do.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位", "指标", "月份", "金额"])
    ws.append(["武隆区", "建档立卡贫困人口培训", "2020-03", 30])
    ws.append([None, "转移到山东就业的建档立卡贫困人口", None, 4])
    ws.append([None, "赴山东挂职党政干部", None, 1])
    ws.merge_cells("A2:A4")
    ws.merge_cells("C2:C4")
    mbuf = io.BytesIO()
    wb.save(mbuf)
    write("openpyxl-merged.xlsx", mbuf.getvalue(), """
ok
entry cq-wulong poor_trained 202003 30 
entry cq-wulong poor_moved_to_sd 202003 4 
entry cq-wulong cadres_to_sd 202003 1 
""")
    write("damaged.xlsx", data[:len(data) // 2], """
refused
message damaged.xlsx: not a readable .xlsx workbook
""")
    write("sheet-missing.xlsx", data, """
args --sheet 二月
refused
message the workbook has no sheet "二月"; its sheets are "封面", "台账"
""")


def handmade_xlsx(name, sheet_xml, expect, extra=(), wbpr=""):
    """A minimal workbook as WPS writes one with inline strings."""
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxml'
          'formats.org/package/2006/content-types"><Default Extension="rels" ContentType='
          '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension='
          '"xml" ContentType="application/xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
            '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/office'
            'Document" Target="xl/workbook.xml"/></Relationships>')
    wb = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxml'
          'formats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org'
          '/officeDocument/2006/relationships">' + wbpr + '<sheets><sheet name="Sheet1" '
          'sheetId="1" r:id="rId1"/></sheets></workbook>')
    wbrels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
              'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
              '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
              'worksheet" Target="/xl/worksheets/sheet1.xml"/>'
              + ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
                 'officeDocument/2006/relationships/styles" Target="styles.xml"/>'
                 if any(n == "xl/styles.xml" for n, _ in extra) else "")
              + ('<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/'
                 'officeDocument/2006/relationships/sharedStrings" '
                 'Target="sharedStrings.xml"/>'
                 if any(n == "xl/sharedStrings.xml" for n, _ in extra) else "")
              + '</Relationships>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wbrels)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for n, d in extra:
            z.writestr(n, d)
    write(name, buf.getvalue(), expect)


class Num:
    """A number cell written exactly as given (Excel writes binary noise)."""
    def __init__(self, text):
        self.text = text


def handmade_files():
    def row(r, cells):
        out = '<row r="%d">' % r
        for ref, v in cells:
            if isinstance(v, Num):
                out += '<c r="%s"><v>%s</v></c>' % (ref, v.text)
            elif isinstance(v, str):
                out += '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, v)
            else:
                out += '<c r="%s"><v>%s</v></c>' % (ref, v)
        return out + "</row>"
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData>' % ns
             + row(1, [("A1", "单位"), ("B1", "指标"), ("C1", "月份"), ("D1", "金额")])
             + row(3, [("A3", "黔江区"), ("B3", "山东企业实际投资额"), ("C3", "2020-02"),
                       ("D3", Num("1234.5600000000001"))])
             + row(4, [("A4", "cq-qianjiang"), ("B4", "援建乡镇卫生院"), ("C4", "2020/2"),
                       ("D4", 1)])
             + "</sheetData></worksheet>")
    handmade_xlsx("wps-inline-strings.xlsx", sheet, """
ok
entry cq-qianjiang sd_investment 202002 123456 
entry cq-qianjiang aided_township_clinics 202002 1 
""")
    # The 1904 date system (old Mac Excel), a built-in date format (14) and
    # a Chinese one (31), the date and time in one cell, an ISO date cell.
    styles = ('<?xml version="1.0" encoding="UTF-8"?><styleSheet %s><cellXfs count="3">'
              '<xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="31"/></cellXfs>'
              '</styleSheet>' % ns)
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData>' % ns
             + row(1, [("A1", "unit"), ("B1", "indicator"), ("C1", "period"),
                       ("D1", "amount")])
             + '<row r="2"><c r="A2" t="inlineStr"><is><t>cq-wanzhou</t></is></c>'
               '<c r="B2" t="inlineStr"><is><t>sd_firms</t></is></c>'
               '<c r="C2" s="1"><v>42185</v></c><c r="D2"><v>5</v></c></row>'
             + '<row r="3"><c r="A3" t="inlineStr"><is><t>cq-wanzhou</t></is></c>'
               '<c r="B3" t="inlineStr"><is><t>leader_visits</t></is></c>'
               '<c r="C3" s="2"><v>42216.5</v></c><c r="D3"><v>1</v></c></row>'
             + '<row r="4"><c r="A4" t="inlineStr"><is><t>cq-wanzhou</t></is></c>'
               '<c r="B4" t="inlineStr"><is><t>joint_meetings</t></is></c>'
               '<c r="C4" t="d"><v>2020-04-01T00:00:00</v></c><c r="D4"><v>2</v></c></row>'
             + "</sheetData></worksheet>")
    handmade_xlsx("date1904.xlsx", sheet, """
ok
entry cq-wanzhou sd_firms 201907 5 
entry cq-wanzhou leader_visits 201908 1 
entry cq-wanzhou joint_meetings 202004 2 
""", extra=[("xl/styles.xml", styles)], wbpr='<workbookPr date1904="1"/>')
    # Shared strings as Excel writes them: rich text runs, a phonetic guide
    # (not cell text), a formula with its cached value.
    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst %s count="6" uniqueCount="6">'
           '<si><t>单位</t></si><si><t>指标</t></si><si><t>月份</t></si>'
           '<si><r><rPr><b/></rPr><t>金</t></r><r><t>额</t></r></si>'
           '<si><t>巫溪</t><rPh sb="0" eb="2"><t>ウーシー</t></rPh><t>县</t></si>'
           '<si><t xml:space="preserve"> 劳务协作 </t></si></sst>' % ns)
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData>' % ns
             + '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
               '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
             + '<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="str"><f>"赴山东"&amp;'
               '"挂职党政干部"</f><v>赴山东挂职党政干部</v></c>'
               '<c r="C2" t="inlineStr"><is><t>2020年5月</t></is></c>'
               '<c r="D2"><f>1+1</f><v>2</v></c></row>'
             + "</sheetData></worksheet>")
    wbrels_extra = [("xl/sharedStrings.xml", sst)]
    handmade_xlsx("excel-shared-strings.xlsx", sheet, """
ok
entry cq-wuxi cadres_to_sd 202005 2 
""", extra=wbrels_extra)
    # A zip bomb: a sheet that unpacks to 80 MiB of blanks.
    bomb = ('<?xml version="1.0" encoding="UTF-8"?>' + " " * (80 << 20)
            + '<worksheet %s><sheetData/></worksheet>' % ns)
    handmade_xlsx("zip-bomb.xlsx", bomb, """
refused
message unpacks to more than 64 MiB; the workbook is too large or a zip bomb
""")
    dtd = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
           '"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><worksheet %s>'
           '<sheetData><row r="1"><c t="inlineStr"><is><t>&lol2;</t></is></c></row>'
           '</sheetData></worksheet>' % ns)
    handmade_xlsx("entities.xlsx", dtd, """
refused
message holds a document type declaration
""")


csv_files()
openpyxl_files()
handmade_files()
