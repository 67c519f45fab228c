"""The workbench (我的工作台): where researchers and enterprise users manage their listings."""
